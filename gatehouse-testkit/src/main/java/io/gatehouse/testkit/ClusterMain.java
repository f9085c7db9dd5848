package io.gatehouse.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Command-line entry point that runs a primary and replicas until stdin closes or the process is told to stop;
 * runs on the main thread (plus the JVM's shutdown hook thread) and touches no buffers.
 *
 * <p>Usage: {@code ClusterMain <dir> [--replicas N] [--no-stdin]}. Prints one line per server,
 * {@code name host port}, primary first, then an empty line once everything is ready; the same lines go to
 * {@code <dir>/servers.txt}. With {@code --no-stdin} it
 * ignores stdin (useful when started in the background with stdin at /dev/null) and waits for SIGTERM or Ctrl-C.
 */
public final class ClusterMain {
    private ClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("usage: ClusterMain <dir> [--replicas N] [--no-stdin]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int replicas = 2;
        boolean watchStdin = true;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--no-stdin" -> watchStdin = false;
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
        }
        MariaDbCluster cluster = MariaDbCluster.start(dir, replicas);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "cluster-main-stop"));
        StringBuilder lines = new StringBuilder();
        for (MariaDbServer server : cluster.servers()) {
            lines.append(server.name()).append(' ').append(server.host()).append(' ').append(server.port()).append('\n');
        }
        // Also on disk, for scripts whose logging configuration sends log lines to stdout.
        Files.writeString(cluster.baseDir().resolve("servers.txt"), lines);
        PrintStream out = System.out;
        out.print(lines);
        out.println();
        out.flush();
        if (watchStdin) {
            drain(System.in);
            // Exiting runs the shutdown hook, which closes the cluster.
            System.exit(0);
        }
        stopped.await();
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Input is ignored; only its end matters.
            }
        } catch (IOException e) {
            // A broken stdin means whoever started us is gone: stop as if it had closed.
        }
    }
}
