package io.gatehouse.cli.verbs;

import io.gatehouse.cli.CliException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * maxctrl's {@code create report --archive}: a tar (POSIX ustar) of the JSON report and the files a support case
 * needs from the machine Gatehouse runs on: {@code /proc/meminfo}, {@code /proc/cpuinfo}, {@code /etc/os-release},
 * the configuration ({@code /etc/gatehouse.cnf}, MaxScale's {@code /etc/maxscale.cnf} and {@code .cnf.d}
 * directories, the runtime changes in the persist directory) and the log file, those that exist. In every
 * {@code .cnf} file password values are replaced with {@code *****}. Built in memory on the command's thread.
 */
final class ReportArchive {
    private final ByteArrayOutputStream tar = new ByteArrayOutputStream();

    /** The archive of {@code report} and the local files; {@code persistDir} and {@code logFile} may be null. */
    static byte[] build(String report, String persistDir, String logFile) {
        ReportArchive a = new ReportArchive();
        a.entry("report/gatectl-report.json", report.getBytes(StandardCharsets.UTF_8));
        List<Path> files = new ArrayList<>(List.of(Path.of("/proc/meminfo"), Path.of("/proc/cpuinfo"),
                Path.of("/etc/os-release"), Path.of("/etc/gatehouse.cnf"), Path.of("/etc/maxscale.cnf")));
        if (logFile != null) {
            files.add(Path.of(logFile));
        }
        List<Path> dirs = new ArrayList<>(List.of(Path.of("/etc/gatehouse.cnf.d"), Path.of("/etc/maxscale.cnf.d")));
        if (persistDir != null) {
            dirs.add(Path.of(persistDir));
            dirs.add(Path.of(persistDir, "maxscale.cnf.d"));
        }
        for (Path d : dirs) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".cnf")).sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    // An unreadable directory is left out, as maxctrl leaves out what does not exist.
                }
            }
        }
        for (Path f : files) {
            if (Files.isRegularFile(f) && Files.isReadable(f)) {
                try {
                    a.entry("report" + f.toAbsolutePath(), sanitize(f, Files.readAllBytes(f)));
                } catch (IOException e) {
                    // Vanished or unreadable meanwhile: left out.
                }
            }
        }
        a.tar.writeBytes(new byte[1024]);
        return a.tar.toByteArray();
    }

    /** Writes the archive to {@code file} (.tar added when missing); an existing file is refused. Returns the path. */
    static Path write(Path file, byte[] archive) {
        Path out = file.toString().endsWith(".tar") ? file : Path.of(file + ".tar");
        if (Files.exists(out)) {
            throw new CliException("File already exists: " + out);
        }
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(archive);
        } catch (IOException e) {
            throw new CliException("cannot write the report to " + out + ": " + e.getMessage());
        }
        return out;
    }

    static byte[] sanitize(Path f, byte[] content) {
        if (!f.toString().endsWith(".cnf")) {
            return content;
        }
        String text = new String(content, StandardCharsets.UTF_8);
        return text.replaceAll("(?m)^(\\s*\\S*(?:password|passwd)\\S*\\s*=).*$", "$1*****")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void entry(String name, byte[] data) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 100) {
            // ustar splits a long name into a prefix (155 bytes) and a name (100 bytes) at a slash.
            int cut = name.lastIndexOf('/', Math.min(name.length() - 1, 155));
            byte[] prefix = name.substring(0, cut).getBytes(StandardCharsets.UTF_8);
            n = name.substring(cut + 1).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(prefix, 0, h, 345, Math.min(prefix.length, 155));
        }
        System.arraycopy(n, 0, h, 0, Math.min(n.length, 100));
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, data.length);
        octal(h, 136, 12, System.currentTimeMillis() / 1000);
        h[156] = '0';
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        tar.writeBytes(h);
        tar.writeBytes(data);
        tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    /** {@code value} in octal, zero-padded to {@code len - 1} digits and NUL-terminated. */
    private static void octal(byte[] h, int at, int len, long value) {
        String s = Long.toOctalString(value);
        s = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, len - 1);
        h[at + len - 1] = 0;
    }
}
