package io.gatehouse.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real {@code mariadbd} process in its own directory on a free 127.0.0.1 port; lifecycle methods are
 * synchronized and may be called from any thread, SQL helpers run concurrently, and no Netty buffers are involved.
 *
 * <p>The data directory is a copy of a template that already holds the {@link Accounts} and the {@code test}
 * database. Every server writes a binlog with GTIDs so any server can become a primary or a replica. A small
 * watchdog shell holds a pipe from this JVM and SIGKILLs the server if the JVM dies without running its shutdown
 * hooks, so an aborted test run never leaves a server behind.
 */
public final class MariaDbServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /** Default time limit for {@link #execute(String)} and {@link #query(String)}. */
    public static final Duration SQL_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_UNIX_SOCKET_PATH = 100;

    private final String name;
    private final int serverId;
    private final Path dir;
    private final Path dataDir;
    private final Path socket;
    private final Path socketDir;
    private final Path errorLog;
    private final Path generalLog;
    private final AutoCloseable jvmExitCleanup = this::closeAtJvmExit;
    private volatile int port;
    private volatile Process process;
    private Process watchdog;
    private boolean everStarted;
    private boolean closed;
    private volatile List<String> extraOptions = List.of();

    private MariaDbServer(Path dir, String name, int serverId) throws IOException {
        this.name = name;
        this.serverId = serverId;
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.errorLog = dir.resolve("error.log");
        this.generalLog = dir.resolve("general.log");
        Path preferredSocket = dir.resolve("mariadb.sock").toAbsolutePath();
        if (preferredSocket.toString().length() <= MAX_UNIX_SOCKET_PATH) {
            this.socketDir = null;
            this.socket = preferredSocket;
        } else {
            // Unix socket paths are limited to ~107 bytes; deep directories get a short one under /tmp.
            this.socketDir = JvmCleanup.createOwnedTempDir(Path.of("/tmp"), "gh-sock-");
            this.socket = socketDir.resolve(name + ".sock");
        }
        this.port = freePort();
    }

    /** Starts a standalone server named "server1" (server id 1) in a new temp directory. */
    public static MariaDbServer startStandalone() {
        return startStandalone(null, "server1", 1);
    }

    /**
     * Creates and starts a server.
     *
     * @param dir      the directory to create for this server (must not exist or be empty); null for a new temp
     *                 directory. It is deleted by {@link #close()}.
     * @param name     the name used in logs and by {@link #name()}
     * @param serverId the {@code server_id}, unique within a replication topology
     */
    public static MariaDbServer startStandalone(Path dir, String name, int serverId) {
        MariaDbServer server = create(dir, name, serverId);
        try {
            server.start();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Creates and starts a standalone server with extra {@code mariadbd} command-line options (for example
     * {@code --ssl-cert=...}, {@code --require-secure-transport=ON}, {@code --proxy-protocol-networks=...},
     * {@code --plugin-load-add=auth_ed25519}); they apply to every later {@link #start()} as well.
     */
    public static MariaDbServer startStandalone(Path dir, String name, int serverId, List<String> extraOptions) {
        MariaDbServer server = create(dir, name, serverId);
        try {
            server.extraOptions = List.copyOf(extraOptions);
            server.start();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Replaces the extra {@code mariadbd} options used from the next {@link #start()} on; a running server keeps
     * its options until it is stopped and started again.
     */
    public void extraOptions(List<String> options) {
        this.extraOptions = List.copyOf(options);
    }

    /** Creates the server's directory and data files without starting it; the caller calls {@link #start()}. */
    static MariaDbServer create(Path dir, String name, int serverId) {
        MariaDbInstallation.mariadbd();
        try {
            Path serverDir = dir != null ? dir : JvmCleanup.createOwnedTempDir(null, "gatehouse-" + name + "-");
            if (dir != null && Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("Server directory is not empty: " + dir);
                    }
                }
            }
            Files.createDirectories(serverDir.resolve("tmp"));
            MariaDbServer server = new MariaDbServer(serverDir.toAbsolutePath(), name, serverId);
            JvmCleanup.register(server.jvmExitCleanup);
            try {
                MariaDbInstallation.copyTemplateTo(server.dataDir);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the directory for " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public int serverId() {
        return serverId;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path socket() {
        return socket;
    }

    /** The server's error log (startup, shutdown, replication errors). */
    public Path errorLog() {
        return errorLog;
    }

    /** Where the general query log goes once {@link #setGeneralLog(boolean)} turns it on. */
    public Path generalLog() {
        return generalLog;
    }

    /** A MariaDB Connector/J URL for the {@code test} database on this server (no credentials). */
    public String jdbcUrl() {
        return "jdbc:mariadb://" + host() + ":" + port + "/" + Accounts.DATABASE;
    }

    /** The pid of the current (or last) mariadbd process, or -1 if it was never started. */
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Starts the server on its port with its data directory and waits until it accepts connections. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        if (isRunning()) {
            return;
        }
        long begin = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            launch();
            try {
                awaitReady();
                everStarted = true;
                LOG.info("Started {} (pid {}) on {}:{} in {} ms", name, pid(), host(), port,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
                return;
            } catch (PortTakenException e) {
                // The free port found at creation was taken before mariadbd bound it; a restart keeps its port
                // because clients and replicas know it.
                if (everStarted || attempt >= 3) {
                    throw new IllegalStateException(name + " could not bind port " + port + ":\n" + e.getMessage());
                }
                port = freePort();
                LOG.info("{}: port taken, retrying on {}", name, port);
            }
        }
    }

    /** Shuts the server down cleanly (SIGTERM) and waits until the process is gone. */
    public synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!waitForExit(p, STOP_TIMEOUT)) {
            LOG.warn("{} did not shut down within {}; killing it", name, STOP_TIMEOUT);
            p.destroyForcibly();
            waitForExit(p, STOP_TIMEOUT);
        }
        stopWatchdog();
        LOG.info("Stopped {}", name);
    }

    /** Kills the server with SIGKILL, as a crash would, and waits until the process is gone. */
    public synchronized void kill() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        waitForExit(p, STOP_TIMEOUT);
        stopWatchdog();
        LOG.info("Killed {} (pid {})", name, p.pid());
    }

    /** Runs SQL as root over the unix socket; returns tab separated rows without column names. */
    public String execute(String sql) {
        return execute(sql, SQL_TIMEOUT);
    }

    /** {@link #execute(String)} with an explicit time limit. */
    public String execute(String sql, Duration timeout) {
        if (!isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        return SqlCli.run(socket, sql, timeout, dir.resolve("tmp"));
    }

    /** Runs SQL as root and parses the rows; SQL NULL becomes {@code null}. */
    public List<List<String>> query(String sql) {
        return SqlCli.parseRows(execute(sql));
    }

    /**
     * Runs one statement that returns one result set and gives each row as a map from column name to value (in
     * column order; NULL becomes {@code null}).
     */
    public List<Map<String, String>> queryMaps(String sql) {
        if (!isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        List<List<String>> rows = SqlCli.parseRows(SqlCli.run(socket, sql, SQL_TIMEOUT, dir.resolve("tmp"), true));
        List<Map<String, String>> maps = new ArrayList<>();
        for (List<String> row : rows.subList(Math.min(1, rows.size()), rows.size())) {
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < row.size(); i++) {
                map.put(rows.get(0).get(i), row.get(i));
            }
            maps.add(map);
        }
        return maps;
    }

    /** {@code SHOW SLAVE STATUS} as column name to value; empty when the server is not a replica. */
    public Map<String, String> replicationStatus() {
        List<Map<String, String>> rows = queryMaps("SHOW SLAVE STATUS");
        return rows.isEmpty() ? Map.of() : rows.get(0);
    }

    /** The first column of the first row, or null if there is no row or the value is NULL. */
    public String queryValue(String sql) {
        return queryValue(sql, SQL_TIMEOUT);
    }

    /** {@link #queryValue(String)} with an explicit time limit. */
    public String queryValue(String sql, Duration timeout) {
        List<List<String>> rows = SqlCli.parseRows(execute(sql, timeout));
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    /** {@code @@gtid_binlog_pos}: the GTIDs this server has written to its binlog. */
    public String gtidBinlogPos() {
        return nullToEmpty(queryValue("SELECT @@GLOBAL.gtid_binlog_pos"));
    }

    /** {@code @@gtid_slave_pos}: the GTIDs this server has applied as a replica. */
    public String gtidSlavePos() {
        return nullToEmpty(queryValue("SELECT @@GLOBAL.gtid_slave_pos"));
    }

    /** Turns the general query log (written to {@link #generalLog()}) on or off. */
    public void setGeneralLog(boolean on) {
        execute("SET GLOBAL general_log = " + (on ? "ON" : "OFF"));
    }

    /** Kills the server (its data is discarded, so a clean shutdown buys nothing) and deletes its directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        kill();
        stopWatchdog();
        JvmCleanup.deleteRecursively(dir);
        JvmCleanup.deleteRecursively(socketDir);
        JvmCleanup.unregister(jvmExitCleanup);
    }

    @Override
    public String toString() {
        return name + "@" + host() + ":" + port;
    }

    private void closeAtJvmExit() {
        close();
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(MariaDbInstallation.mariadbd().toString(), "--no-defaults",
                "--datadir=" + dataDir, "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + socket,
                "--pid-file=" + dir.resolve("mariadbd.pid"), "--log-error=" + errorLog,
                "--tmpdir=" + dir.resolve("tmp"), "--server-id=" + serverId,
                "--log-bin=mariadb-bin", "--relay-log=relay-bin", "--log-slave-updates", "--gtid-strict-mode=ON",
                "--binlog-format=ROW", "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0",
                "--skip-name-resolve", "--max-connections=500", "--max-allowed-packet=64M", "--local-infile=1",
                // A proxy under test may fail many handshakes; the server must not block 127.0.0.1 for that.
                "--max-connect-errors=1000000",
                "--general-log=0", "--general-log-file=" + generalLog,
                // Lets SHOW SLAVE HOSTS on a primary list its replicas, which monitors use for discovery.
                "--report-host=127.0.0.1", "--report-port=" + port,
                // A replica notices a silently dead primary within seconds rather than a minute.
                "--slave-net-timeout=10",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci"));
        command.addAll(MariaDbInstallation.INNODB_OPTIONS);
        command.addAll(extraOptions);
        if (MariaDbInstallation.runningAsRoot()) {
            command.add("--user=root");
        }
        try {
            Process started = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mariadbd.out").toFile()))
                    .start();
            process = started;
            watchdog = new ProcessBuilder("sh", "-c", "read unused; kill -9 \"$1\" 2>/dev/null", "watchdog",
                    Long.toString(started.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start mariadbd for " + name, e);
        }
    }

    private void awaitReady() {
        Process p = process;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!p.isAlive()) {
                stopWatchdog();
                String tail = Logs.tail(errorLog, 40) + "\n" + Logs.tail(dir.resolve("mariadbd.out"), 10);
                if (tail.contains("Address already in use") || tail.contains("Bind on TCP/IP port")) {
                    throw new PortTakenException(tail);
                }
                throw new IllegalStateException(name + " exited with code " + p.exitValue()
                        + " while starting; end of " + errorLog + ":\n" + tail);
            }
            if (Files.exists(socket)) {
                try {
                    SqlCli.run(socket, "SELECT 1", Duration.ofSeconds(5), dir.resolve("tmp"));
                    return;
                } catch (SqlCli.SqlCliException notYet) {
                    // Still starting: the socket file exists before the server answers on it.
                }
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(name + " did not accept connections within " + START_TIMEOUT
                        + "; end of " + errorLog + ":\n" + Logs.tail(errorLog, 40));
            }
            sleep(50);
        }
    }

    private void stopWatchdog() {
        Process w = watchdog;
        watchdog = null;
        if (w != null) {
            w.destroyForcibly();
            waitForExit(w, Duration.ofSeconds(10));
        }
    }

    private static boolean waitForExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on 127.0.0.1", e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** mariadbd exited because another process holds its port. */
    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String errorLogTail) {
            super(errorLogTail);
        }
    }
}
