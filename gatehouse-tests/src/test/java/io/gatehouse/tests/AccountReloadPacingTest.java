package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Reloading accounts when a login misses (issue 16) must not be a lever against the backends: a flood of logins with
 * user names nobody has makes each service load its accounts about once a second, not once per login, and every one
 * of those logins still gets the refusal the server would give; an account created during the flood logs in at once.
 * Each service loads with its own account, so the server's per-user connection count ({@code userstat}) counts each
 * service's loads. The host block is off ({@code max_auth_errors_until_block=0}): it stops a flood from one host,
 * pacing must also hold against many. Real server, raw protocol clients on a small thread pool and the test thread.
 */
class AccountReloadPacingTest {
    private static final Map<String, String> LOADER_OF_LISTENER = Map.of("Conn-L", "ldrconn", "Split-L", "ldrsplit");

    @TempDir
    static Path dir;
    static MariaDbServer db;
    static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.startStandalone(null, "pacingdb", 93, List.of("--userstat=ON"));
        StringBuilder cnf = new StringBuilder("[maxscale]\nthreads=2\nadmin_enabled=false\n"
                + "max_auth_errors_until_block=0\nlogdir=" + dir + "\npiddir=" + dir + "\ndatadir=" + dir
                + "\npersistdir=" + dir + "\n\n[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port() + "\n\n"
                // The monitor (readwritesplit needs to know the primary) uses the standard service account.
                + "[Mon]\ntype=monitor\nmodule=mariadbmon\nservers=db\nmonitor_interval=200ms\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n");
        for (Map.Entry<String, String> e : LOADER_OF_LISTENER.entrySet()) {
            String loader = e.getValue();
            String service = e.getKey().replace("-L", "");
            db.execute("CREATE USER '" + loader + "'@'%' IDENTIFIED BY 'ldrpwd';"
                    + "GRANT SELECT ON mysql.* TO '" + loader + "'@'%'; GRANT SHOW DATABASES ON *.* TO '" + loader
                    + "'@'%';");
            cnf.append('[').append(service).append("]\ntype=service\n")
                    .append(service.equals("Conn") ? "router=readconnroute\nrouter_options=running\n"
                            : "router=readwritesplit\n")
                    .append("servers=db\nuser=").append(loader).append("\npassword=ldrpwd\n\n")
                    .append(AuthTestBed.listener(e.getKey(), service, ""));
        }
        Files.writeString(dir.resolve("gatehouse.cnf"), cnf.toString());
        gatehouse = Gatehouse.start(dir.resolve("gatehouse.cnf"));
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** How many times {@code loader} has connected to the server: one connection per account load. */
    private static long loads(String loader) {
        return Long.parseLong(db.queryValue("SELECT COALESCE(SUM(TOTAL_CONNECTIONS), 0) FROM "
                + "information_schema.USER_STATISTICS WHERE USER = '" + loader + "'"));
    }

    private static String login(int port, String user, String password) throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", port, new byte[0])) {
            s.readTimeout(20_000);
            String err = s.login(user, password);
            return err == null ? "ok" : err;
        }
    }

    @Test
    void aFloodOfUnknownUsersLoadsAccountsAboutOnceASecondAndNewAccountsStillLogIn() throws Exception {
        String direct = login(db.port(), "nobody", "x");
        assertThat(direct).startsWith("1045 Access denied for user 'nobody'@");
        for (String listener : LOADER_OF_LISTENER.keySet()) {
            assertThat(login(gatehouse.port(listener), "nobody", "x")).as(listener).isEqualTo(direct);
        }
        Map<String, Long> before = new ConcurrentHashMap<>();
        LOADER_OF_LISTENER.values().forEach(l -> before.put(l, loads(l)));
        Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean flooding = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> floods = new ArrayList<>();
        long began = System.nanoTime();
        for (int t = 0; t < 16; t++) {
            String listener = t % 2 == 0 ? "Conn-L" : "Split-L";
            int thread = t;
            refused.putIfAbsent(listener, new AtomicInteger());
            floods.add(pool.submit(() -> {
                for (int n = 0; flooding.get(); n++) {
                    String user = "nobody" + thread + "x" + n;
                    String got = login(gatehouse.port(listener), user, "x");
                    if (got.equals(direct.replace("'nobody'", "'" + user + "'"))) {
                        refused.get(listener).incrementAndGet();
                    } else {
                        wrong.add(listener + " " + user + ": " + got);
                    }
                }
                return null;
            }));
        }
        try {
            Thread.sleep(1500);
            for (int round = 0; round < 3; round++) {
                String user = "fresh" + round;
                db.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'freshpwd';"
                        + "GRANT SELECT ON test.* TO '" + user + "'@'%';");
                for (String listener : LOADER_OF_LISTENER.keySet()) {
                    assertThat(login(gatehouse.port(listener), user, "freshpwd"))
                            .as(listener + ": an account made during the flood").isEqualTo("ok");
                }
                Thread.sleep(500);
            }
            Thread.sleep(1000);
        } finally {
            flooding.set(false);
            for (Future<?> f : floods) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        assertThat(wrong).as("every flood login gets the server's refusal").isEmpty();
        for (Map.Entry<String, String> e : LOADER_OF_LISTENER.entrySet()) {
            long loads = loads(e.getValue()) - before.get(e.getValue());
            int misses = refused.get(e.getKey()).get();
            String what = e.getKey() + ": " + loads + " loads for " + misses + " refused logins in "
                    + String.format("%.1f", seconds) + " s";
            assertThat(loads).as(what).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo((long) Math.ceil(seconds) + 1);
            assertThat(misses).as(what + ": the flood really flooded").isGreaterThan((int) (2 * loads));
        }
    }
}
