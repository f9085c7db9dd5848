package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs SQL as root through the {@code mariadb} command-line client over a server's unix socket; stateless and safe
 * from any thread (each call is its own client process), it holds no buffers.
 *
 * <p>The real client is used on purpose: it is independent of the proxy's own protocol code, so a test's setup
 * and checks cannot share a bug with the code under test.
 */
final class SqlCli {
    private SqlCli() {
    }

    /** A failed client run: the SQL was rejected, the server was unreachable, or the client timed out. */
    static final class SqlCliException extends IllegalStateException {
        SqlCliException(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code sql} (one or more statements) and returns stdout in batch format: tab separated columns, one line
     * per row, no column names, special characters escaped as {@code \t \n \\ \0} and NULL printed as {@code NULL}.
     */
    static String run(Path socket, String sql, Duration timeout, Path scratchDir) {
        return run(socket, sql, timeout, scratchDir, false);
    }

    /** {@link #run(Path, String, Duration, Path)}, optionally with a header line of column names per result. */
    static String run(Path socket, String sql, Duration timeout, Path scratchDir, boolean columnNames) {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile(scratchDir, "cli-", ".out");
            err = Files.createTempFile(scratchDir, "cli-", ".err");
            ProcessBuilder builder = new ProcessBuilder(MariaDbInstallation.client().toString(), "--no-defaults",
                    "--protocol=socket", "--socket=" + socket, "--user=" + Accounts.ROOT_USER, "--batch",
                    columnNames ? "--column-names" : "--skip-column-names", "--connect-timeout=10")
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            // The environment keeps the password off the process list.
            builder.environment().put("MYSQL_PWD", Accounts.ROOT_PASSWORD);
            process = builder.start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(sql.getBytes(StandardCharsets.UTF_8));
                stdin.write('\n');
            } catch (IOException e) {
                // The client quit before reading everything (it failed to connect); its stderr says why.
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new SqlCliException("SQL did not finish within " + timeout + " on " + socket + ": " + abbreviate(sql));
            }
            if (process.exitValue() != 0) {
                throw new SqlCliException("SQL failed on " + socket + " (exit " + process.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8).strip() + "\nSQL: " + abbreviate(sql));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run the mariadb client", e);
        } catch (InterruptedException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            Thread.currentThread().interrupt();
            throw new SqlCliException("Interrupted while running SQL on " + socket);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Parses batch output into rows; {@code NULL} becomes {@code null}, escapes are undone. */
    static List<List<String>> parseRows(String output) {
        List<List<String>> rows = new ArrayList<>();
        if (output.isEmpty()) {
            return rows;
        }
        String body = output.endsWith("\n") ? output.substring(0, output.length() - 1) : output;
        for (String line : body.split("\n", -1)) {
            List<String> row = new ArrayList<>();
            for (String field : line.split("\t", -1)) {
                row.add("NULL".equals(field) ? null : unescape(field));
            }
            rows.add(row);
        }
        return rows;
    }

    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder sb = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 1 < field.length()) {
                char next = field.charAt(++i);
                sb.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case '0' -> '\0';
                    default -> next;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 500 ? sql : sql.substring(0, 500) + "...";
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // A scratch file left behind is removed with the server's directory.
            }
        }
    }
}
