package io.gatehouse.tests;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test bed of the routers over two independent servers (mirror, smartrouter, schemarouter): two standalone
 * MariaDB servers on free ports, known to Gatehouse as servers {@code A} and {@code B}, and the Gatehouse a test
 * class starts over them, once per class ({@code @BeforeAll}); {@link #close} stops whatever was started, even after
 * a failed start. JUnit test thread; it owns no Netty buffers.
 */
final class TwoServerBed implements AutoCloseable {
    private final MariaDbServer a;
    private final MariaDbServer b;
    private Gatehouse gatehouse;

    private TwoServerBed(MariaDbServer a, MariaDbServer b) {
        this.a = a;
        this.b = b;
    }

    /** Starts servers A ({@code nameA}, server id {@code idA}) and B; A is stopped again when B fails to start. */
    static TwoServerBed start(String nameA, int idA, String nameB, int idB) {
        MariaDbServer a = MariaDbServer.startStandalone(null, nameA, idA);
        try {
            return new TwoServerBed(a, MariaDbServer.startStandalone(null, nameB, idB));
        } catch (RuntimeException | Error e) {
            a.close();
            throw e;
        }
    }

    MariaDbServer a() {
        return a;
    }

    MariaDbServer b() {
        return b;
    }

    /** The {@code [maxscale]} section with every directory in {@code dir}, and server sections A and B. */
    String baseConfig(Path dir) {
        return "[maxscale]\nthreads=2\nadmin_enabled=false\nmax_auth_errors_until_block=0\n"
                + "logdir=" + dir + "\npiddir=" + dir + "\ndatadir=" + dir + "\npersistdir=" + dir + "\n\n"
                + "[A]\ntype=server\naddress=127.0.0.1\nport=" + a.port() + "\n\n"
                + "[B]\ntype=server\naddress=127.0.0.1\nport=" + b.port() + "\n\n";
    }

    /** Writes {@code config} to {@code dir/gatehouse.cnf} and starts Gatehouse with it; {@link #close} stops it. */
    Gatehouse startGatehouse(Path dir, String config) throws Exception {
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, config);
        gatehouse = Gatehouse.start(cnf);
        return gatehouse;
    }

    /**
     * Writes a configuration meant to be refused, {@code config} built for a fresh directory under {@code dir}, and
     * returns its file, for the tests of settings refused at start.
     */
    static Path badConfig(Path dir, java.util.function.Function<Path, String> config) throws Exception {
        Path badDir = Files.createTempDirectory(dir, "bad");
        Path cnf = badDir.resolve("bad.cnf");
        Files.writeString(cnf, config.apply(badDir));
        return cnf;
    }

    /** Stops Gatehouse, then B, then A; each even when stopping the one before failed. */
    @Override
    public void close() {
        try {
            if (gatehouse != null) {
                gatehouse.close();
            }
        } finally {
            try {
                b.close();
            } finally {
                a.close();
            }
        }
    }
}
