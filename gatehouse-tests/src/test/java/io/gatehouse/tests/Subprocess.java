package io.gatehouse.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real client program (the {@code mariadb} CLI, sysbench) to completion with a deadline, capturing its
 * output through temporary files so a chatty program can never block on a full pipe; runs on the caller's thread
 * and kills the child if the deadline passes.
 */
final class Subprocess {
    private Subprocess() {
    }

    /** What a finished program left behind. */
    record Output(List<String> command, int exitCode, String stdout, String stderr) {
        /** The whole run, for assertion messages. */
        String describe() {
            return "command " + command + " exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /**
     * Runs {@code command} with {@code stdin} (or nothing) as its input.
     *
     * @throws IOException if it cannot start, or did not finish within {@code timeout} (it is killed then)
     */
    static Output run(List<String> command, String stdin, Duration timeout) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gatehouse-subprocess");
        try {
            Path in = dir.resolve("stdin");
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(command)
                    .redirectInput(in.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IOException(command.get(0) + " did not finish within " + timeout + "; killed. Output so far:\n"
                        + Files.readString(out, StandardCharsets.UTF_8) + "\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Output(List.copyOf(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            for (String name : new String[] {"stdin", "stdout", "stderr"}) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        }
    }
}
