package io.gatehouse.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} or {@code memcached} from the distribution's packages, for the cache storage tests:
 * started on a free loopback port with its files in a directory of the test's, stopped and started again on the same
 * port (an outage and a return) or frozen and thawed (a storage that hangs), and killed with the JVM if the test never closes it (a watchdog shell kills it
 * when our end of its stdin closes). Used from the test thread; not thread-safe.
 */
public final class CacheServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** Which server. */
    public enum Kind { REDIS, MEMCACHED }

    private final Kind kind;
    private final Path dir;
    private final int port;
    private final String password;
    private Process process;
    private Process watchdog;

    private CacheServer(Kind kind, Path dir, String password) {
        this.kind = kind;
        this.dir = dir;
        this.password = password;
        this.port = freePort();
    }

    /** Starts a server of {@code kind} keeping its files in {@code dir}. */
    public static CacheServer start(Kind kind, Path dir) {
        return start(kind, dir, null);
    }

    /** Starts one that requires {@code password} (Redis's requirepass; memcached has none). */
    public static CacheServer start(Kind kind, Path dir, String password) {
        CacheServer s = new CacheServer(kind, dir, password);
        s.start();
        return s;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, as the cache's {@code storage_options} server takes it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server (again) on its port, with nothing stored; returns once it accepts connections. */
    public void start() {
        if (isRunning()) {
            return;
        }
        List<String> command = new ArrayList<>();
        if (kind == Kind.REDIS) {
            command.addAll(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
                    "--logfile", dir.resolve("redis.log").toString()));
            if (password != null) {
                command.addAll(List.of("--requirepass", password));
            }
        } else {
            command.addAll(List.of("memcached", "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0",
                    "-m", "64"));
            if (MariaDbInstallation.runningAsRoot()) {
                command.addAll(List.of("-u", "root"));
            }
        }
        try {
            Files.createDirectories(dir);
            Process started = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(kind.name().toLowerCase() + ".out")
                            .toFile()))
                    .start();
            process = started;
            watchdog = new ProcessBuilder("sh", "-c", "read unused; kill -9 \"$1\" 2>/dev/null", "watchdog",
                    Long.toString(started.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command.get(0) + " (is it installed? see"
                    + " scripts/install-deps.sh)", e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(command.get(0) + " exited with code " + process.exitValue()
                        + " while starting; see " + dir);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                LOG.info("Started {} (pid {}) on 127.0.0.1:{}", command.get(0), process.pid(), port);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(command.get(0) + " did not accept connections on port " + port
                            + " within " + START_TIMEOUT);
                }
                sleep(50);
            }
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL) and waits until it is gone: an outage. */
    public void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            try {
                signal("CONT");                       // a paused server would not act on SIGTERM
            } catch (RuntimeException ignored) {
                // it exited meanwhile
            }
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        process = null;
        if (watchdog != null) {
            watchdog.destroyForcibly();
            watchdog = null;
        }
        LOG.info("Stopped {} on port {}", kind, port);
    }

    /**
     * Freezes the server (SIGSTOP): connections stay open and new ones are accepted by the kernel, but nothing is
     * answered, as with a storage that hangs. {@link #resume} thaws it.
     */
    public void pause() {
        signal("STOP");
    }

    /** Thaws a {@link #pause}d server (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        if (!isRunning()) {
            throw new IllegalStateException(kind + " on port " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on 127.0.0.1", e);
        }
    }
}
