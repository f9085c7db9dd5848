package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients, few backend connections: 2,000 client connections through Gatehouse to a server started with
 * {@code max_connections=100}, with {@code idle_session_pool_time=0s} (a session gives its connection back as soon as
 * it is idle) and {@code max_routing_connections=50}. All 2,000 connect and stay connected, then each runs queries
 * that depend on its own session state (a user variable set earlier) in rounds; sysbench then runs with 200 threads.
 * No client gets an error, and the server never sees more than 50 session connections (sampled on its process list
 * all along). With one routing connection, a session whose connection was given back waits for it at most
 * {@code multiplex_timeout} while another holds it in a transaction, then gets error 1040. The JUnit thread, a pool of 16 client threads and one sampler thread; no Netty buffers.
 */
class ManyClientsSharingTest {
    private static final int CLIENTS = 2000;
    private static final int LIMIT = 50;

    @TempDir
    static Path dir;
    static MariaDbServer db;
    static Gatehouse gh;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.startStandalone(null, "sharing2k", 97, List.of("--max-connections=100"));
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, "[maxscale]\nthreads=2\nadmin_enabled=false\nlogdir=" + dir + "\npiddir=" + dir
                + "\ndatadir=" + dir + "\npersistdir=" + dir.resolve("persist") + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port()
                + "\nmax_routing_connections=" + LIMIT + "\npersistpoolmax=" + LIMIT + "\n\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                + "\nidle_session_pool_time=0s\nmultiplex_timeout=60s\n\n"
                + "[L]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n\n"
                // The same server under another name with one routing connection, for the wait that times out.
                + "[db1]\ntype=server\naddress=127.0.0.1\nport=" + db.port()
                + "\nmax_routing_connections=1\npersistpoolmax=1\n\n"
                + "[Svc1]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db1\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                + "\nidle_session_pool_time=0s\nmultiplex_timeout=2s\n\n"
                + "[L1]\ntype=listener\nservice=Svc1\naddress=127.0.0.1\nport=0\n");
        gh = Gatehouse.start(cnf);
    }

    @AfterAll
    static void stop() {
        if (gh != null) {
            gh.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static int sessionConnections() {
        return Integer.parseInt(db.queryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                + Accounts.APP_USER + "'"));
    }

    @Test
    void twoThousandClientsShareFiftyConnectionsWithoutAnError() throws Exception {
        Sysbench sysbench = new Sysbench(Endpoint.appAccount("127.0.0.1", db.port()), 1, 1000);
        sysbench.prepare();
        AtomicInteger most = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                most.accumulateAndGet(sessionConnections(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sharing-sampler");
        sampler.start();
        List<BlockingClient> clients = Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            // Connect all, each setting a variable of its own; every client stays connected.
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int n = i;
                work.add(pool.submit(() -> {
                    try {
                        BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gh.port("L"),
                                Accounts.APP_USER, Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE)
                                .withTimeouts(Duration.ofSeconds(90)));
                        clients.add(c);
                        c.execute("SET @mine = " + n);
                        check(c, n, errors);
                    } catch (Exception e) {
                        errors.add("client " + n + " connecting: " + e);
                    }
                }));
            }
            waitAll(work);
            assertThat(errors).isEmpty();
            assertThat(clients).hasSize(CLIENTS);
            // Two rounds of queries by every connected client.
            for (int round = 0; round < 2; round++) {
                work.clear();
                for (BlockingClient c : new ArrayList<>(clients)) {
                    work.add(pool.submit(() -> {
                        try {
                            int n = Integer.parseInt(c.query("SELECT @mine").scalar());
                            check(c, n, errors);
                        } catch (Exception e) {
                            errors.add("client " + c + ": " + e);
                        }
                    }));
                }
                waitAll(work);
            }
            assertThat(errors).isEmpty();
            assertThat(gh.runtime().services().get("Svc").sharing().connectionsRestored()).isPositive();

            // sysbench with 200 threads while the 2,000 stay connected.
            Sysbench.Result r = new Sysbench(Endpoint.appAccount("127.0.0.1", gh.port("L")), 1, 1000)
                    .run(Sysbench.Workload.OLTP_READ_ONLY, Sysbench.PsMode.AUTO, 200, Duration.ofSeconds(5));
            assertThat(r.transactions()).isPositive();
            assertThat(r.ignoredErrors()).as(r.output()).isZero();
        } finally {
            pool.shutdownNow();
            sampling.set(false);
            sampler.join(5000);
            for (BlockingClient c : clients) {
                c.close();
            }
        }
        // db1 names the same server: its one routing connection (the other test's) may still be pooled.
        assertThat(most.get()).as("session connections on the server").isPositive().isLessThanOrEqualTo(LIMIT + 1);
    }

    @Test
    void aSessionWaitingForASharedConnectionGetsTheLimitErrorAfterMultiplexTimeout() throws Exception {
        try (BlockingClient a = one("L1"); BlockingClient b = one("L1")) {
            b.execute("SET @mine = 2");
            a.execute("BEGIN");
            a.query("SELECT 1");                     // a holds the only connection while its transaction is open
            assertThatThrownBy(() -> b.query("SELECT @mine"))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                        assertThat(e.code()).isEqualTo(1040);
                        assertThat(e.getMessage()).contains("max_routing_connections=1");
                    });
            a.execute("COMMIT");
            assertThat(a.query("SELECT 5").scalar()).isEqualTo("5");
        }
        try (BlockingClient c = one("L1")) {
            c.execute("SET @mine = 3");
            assertThat(c.query("SELECT @mine").scalar()).as("the slot is free again").isEqualTo("3");
        }
    }

    private static BlockingClient one(String listener) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gh.port(listener), Accounts.APP_USER,
                Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(20)));
    }

    /** The client's session still has its own variable, on whatever connection it runs now. */
    private static void check(BlockingClient c, int n, ConcurrentLinkedQueue<String> errors) throws Exception {
        String v = c.query("SELECT @mine + 0").scalar();
        if (!String.valueOf(n).equals(v)) {
            errors.add("client " + n + " sees @mine = " + v);
        }
    }

    private static void waitAll(List<Future<?>> work) throws Exception {
        for (Future<?> f : work) {
            f.get(120, TimeUnit.SECONDS);
        }
    }
}
