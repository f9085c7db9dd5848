package io.gatehouse.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Roughly extracts SQL statements from the MariaDB test suite's {@code .test} files (mysqltest scripts) installed
 * by Debian's {@code mariadb-test} package; test helper, single-threaded. Bytes are kept as ISO-8859-1 so that
 * the classifier sees the files' exact bytes.
 */
final class MysqlTestFiles {
    static final List<Path> ROOTS = List.of(Path.of("/usr/share/mysql/mysql-test"),
            Path.of("/usr/share/mariadb/mariadb-test"));

    private static final Set<String> COMMANDS = Set.of(
        "let", "echo", "source", "connect", "disconnect", "connection", "reap", "error", "if", "while", "end",
        "inc", "dec", "sleep", "real_sleep", "replace_result", "replace_column", "replace_regex", "exit", "die",
        "skip", "shutdown_server", "write_file", "append_file", "cat_file", "remove_file", "file_exists", "exec",
        "system", "vertical_results", "horizontal_results", "query_get_value", "change_user", "save_master_pos",
        "sync_slave_with_master", "sync_with_master", "wait_for_slave_to_stop", "character_set", "result_format",
        "lowercase_result", "move_file", "copy_file", "mkdir", "rmdir", "list_files", "ping", "start_timer",
        "end_timer", "require", "assert", "chmod", "diff_files", "list_files_write_file", "send_quit",
        "remove_files_wildcard", "copy_files_wildcard", "output", "reset_connection", "replace_numeric_round",
        "partially_sorted_result", "sorted_result", "query_vertical", "perl", "enable_warnings",
        "disable_warnings", "enable_query_log", "disable_query_log", "enable_result_log", "disable_result_log",
        "disable_abort_on_error", "enable_abort_on_error", "disable_ps_protocol", "enable_ps_protocol",
        "disable_reconnect", "enable_reconnect", "disable_metadata", "enable_metadata", "disable_info",
        "enable_info", "disable_connect_log", "enable_connect_log", "disable_session_track_info",
        "enable_session_track_info", "disable_cursor_protocol", "enable_cursor_protocol", "disable_view_protocol",
        "enable_view_protocol", "disable_service_connection", "enable_service_connection", "send",
        "send_eval", "eval", "query", "exec_in_background", "disable_parsing", "enable_parsing", "delimiter",
        "wait_for_slave_to_start", "sync_slave_io_with_master", "dirty_close", "disable_prepare_warnings",
        "enable_prepare_warnings", "disable_ps2_protocol", "enable_ps2_protocol", "disable_non_blocking_api",
        "enable_non_blocking_api", "disable_testcase", "enable_testcase", "close_connection");

    private MysqlTestFiles() {
    }

    static Path root() {
        return ROOTS.stream().filter(Files::isDirectory).findFirst().orElse(null);
    }

    static List<Path> testFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SQL statements of one file (ISO-8859-1 strings holding the raw bytes). */
    static List<String> statements(Path file) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        String delimiter = ";";
        StringBuilder current = new StringBuilder();
        String skipUntil = null;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.trim();
            if (skipUntil != null) {
                if (trimmed.equals(skipUntil)) {
                    skipUntil = null;
                }
                continue;
            }
            if (current.length() == 0) {
                String lower = trimmed.toLowerCase(Locale.ROOT);
                if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("{") || trimmed.startsWith("}")
                        || lower.startsWith("if (") || lower.startsWith("if(") || lower.startsWith("while (")
                        || lower.startsWith("while(")) {
                    continue;
                }
                if (trimmed.startsWith("--")) {
                    String command = trimmed.substring(2).trim();
                    if (command.toLowerCase(Locale.ROOT).startsWith("delimiter ")) {
                        delimiter = command.substring(10).trim();
                    } else if (startsWithWord(command, "perl") || startsWithWord(command, "write_file")
                            || startsWithWord(command, "append_file")) {
                        skipUntil = "EOF";
                    }
                    continue;
                }
            }
            current.append(line).append('\n');
            String body = current.toString().trim();
            if (!delimiter.isEmpty() && body.endsWith(delimiter)) {
                String statement = body.substring(0, body.length() - delimiter.length()).trim();
                current.setLength(0);
                String first = firstWord(statement);
                if (first.equals("delimiter")) {
                    delimiter = statement.substring(9).trim();
                    continue;
                }
                if (first.equals("perl") || first.equals("write_file") || first.equals("append_file")) {
                    skipUntil = "EOF";
                    continue;
                }
                if (COMMANDS.contains(first) || statement.isEmpty()) {
                    continue;
                }
                out.add(statement);
            }
        }
        return out;
    }

    private static boolean startsWithWord(String s, String word) {
        return firstWord(s).equals(word);
    }

    private static String firstWord(String s) {
        int i = 0;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return s.substring(0, i).toLowerCase(Locale.ROOT);
    }
}
