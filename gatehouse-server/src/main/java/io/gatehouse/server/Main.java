package io.gatehouse.server;

import io.gatehouse.core.config.CommandLineOverrides;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.GatehouseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code gatehouse} daemon's entry point: parses the command line, validates the configuration, sets up
 * logging and the pid file, starts the proxy and waits for SIGTERM or SIGINT, then stops cleanly and exits 0.
 * Runs on the main thread; the shutdown hook runs on the JVM's hook thread.
 */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A database proxy for MariaDB and MySQL that reads MaxScale's configuration.")
public final class Main implements Callable<Integer> {
    @Option(names = {"-f", "--config"}, description = "Configuration file (default: ${DEFAULT-VALUE})")
    Path config = Path.of("/etc/gatehouse.cnf");

    @Option(names = {"-c", "--config-check"}, description = "Validate the configuration and exit")
    boolean configCheck;

    @Option(names = {"-d", "--foreground", "--nodaemon"}, description = "Stay in the foreground and log to the terminal too")
    boolean foreground;

    @Option(names = {"-L", "--logdir"}, description = "Log directory (overrides logdir)")
    Path logdir;

    @Option(names = {"-D", "--datadir"}, description = "Data directory (overrides datadir)")
    Path datadir;

    @Option(names = {"-P", "--piddir"}, description = "Directory of the pid file (overrides piddir)")
    Path piddir;

    @Option(names = {"--persistdir"}, description = "Directory of persisted runtime changes (overrides persistdir)")
    Path persistdir;

    @Option(names = {"-B", "--libdir"}, description = "Plugin directory (overrides libdir)")
    Path libdir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("logdir", text(logdir));
        overrides.put("datadir", text(datadir));
        overrides.put("piddir", text(piddir));
        overrides.put("persistdir", text(persistdir));
        overrides.put("libdir", text(libdir));
        CommandLineOverrides.set(overrides);
        GatehouseConfig cfg;
        try {
            cfg = Gatehouse.check(config);
        } catch (ConfigException e) {
            System.err.println("gatehouse: " + e.getMessage());
            return 1;
        }
        if (configCheck) {
            System.out.println("gatehouse: configuration " + config + " is valid");
            return 0;
        }
        Path logs = logdir != null ? logdir : Path.of(cfg.global().string("logdir"));
        Path pids = piddir != null ? piddir : Path.of(cfg.global().string("piddir"));
        Logging.configure(logs, foreground, Logging.Settings.of(cfg.global()));
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("Gatehouse {} started with configuration {}", Version.VERSION, config);
        Gatehouse gh;
        try {
            gh = Gatehouse.start(config);
        } catch (Exception e) {
            log.error("Failed to start: {}", e.getMessage());
            System.err.println("gatehouse: " + e.getMessage());
            return 1;
        }
        // A runtime change of the [maxscale] section (PATCH /v1/maxscale) reaches the log settings from the next line.
        gh.runtime().onGlobalChange(g -> Logging.apply(logs, foreground, Logging.Settings.of(g)));
        Path pidFile = pids.resolve("gatehouse.pid");
        writePid(pidFile, log);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and SIGINT end the wait below so that main returns and the process exits with 0; a JVM shutdown
        // hook would make it exit with 143 instead.
        for (String sig : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> stopped.countDown());
        }
        stopped.await();
        log.info("Gatehouse is shutting down");
        gh.close();
        try {
            Files.deleteIfExists(pidFile);
        } catch (Exception e) {
            log.warn("Could not remove pid file {}: {}", pidFile, e.getMessage());
        }
        log.info("Gatehouse stopped");
        Logging.stop();
        return 0;
    }

    private static String text(Path p) {
        return p == null ? null : p.toAbsolutePath().toString();
    }

    private static void writePid(Path pidFile, Logger log) {
        try {
            Files.createDirectories(pidFile.getParent());
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        } catch (Exception e) {
            log.warn("Could not write pid file {}: {}", pidFile, e.getMessage());
        }
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        static final String VERSION = String.valueOf(Main.class.getPackage().getImplementationVersion() == null
                ? "dev" : Main.class.getPackage().getImplementationVersion());

        @Override
        public String[] getVersion() {
            return new String[] {"gatehouse " + VERSION};
        }
    }
}
