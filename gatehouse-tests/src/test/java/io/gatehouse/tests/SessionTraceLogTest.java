package io.gatehouse.tests;

import static io.gatehouse.tests.DaemonTestSupport.freePort;
import static io.gatehouse.tests.DaemonTestSupport.lineOf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * MaxScale's {@code session_trace} and {@code session_trace_match} on a daemon started from the built distribution
 * ({@code bin/gatehouse --foreground}) with real {@code mariadb} clients: a session whose client is killed (no
 * COM_QUIT) gets its trace, info-level lines included, written to {@code gatehouse.log} although {@code log_info}
 * is off; a session that ends with COM_QUIT does not, unless a line matches {@code session_trace_match}; the admin
 * API ({@code GET /v1/sessions/:id}, {@code gatectl show session}) shows the kept lines as {@code log}; and
 * {@code gatectl alter maxscale session_trace} turns it off and on at runtime. Each session logs in as its own user,
 * which its trace's login line names. JUnit thread; real processes.
 */
@ExtendWith(MariaDbExtension.class)
class SessionTraceLogTest {
    private static final Path DIST = Path.of("..", "gatehouse-server", "target", "gatehouse-0.1.0-SNAPSHOT",
            "gatehouse-0.1.0-SNAPSHOT").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private int adminPort;
    private int port;

    @Test
    void aSessionThatEndsWithoutQuitLeavesItsTraceInTheLog(@TempDir Path dir, MariaDbCluster cluster) throws Exception {
        for (String u : List.of("trdrop", "trquit", "trmatch", "troff", "trten")) {
            cluster.primary().execute("CREATE USER IF NOT EXISTS '" + u + "'@'%' IDENTIFIED BY 'pw';"
                    + " GRANT SELECT ON " + Accounts.DATABASE + ".* TO '" + u + "'@'%'");
        }
        cluster.awaitReplication(Duration.ofSeconds(30));
        adminPort = freePort();
        port = freePort();
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, GatehouseExtension.config(cluster, dir, port)
                .replace("admin_port=0", "admin_port=" + adminPort).replace("[maxscale]\n", "[maxscale]\nsession_trace=20\n"));
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(DIST.resolve("bin/gatehouse").toString(), "--foreground", "--config",
                file.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        List<Process> clients = new ArrayList<>();
        try {
            Path pid = dir.resolve("gatehouse.pid");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(pid) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(pid).as(Files.readString(out)).exists();
            Path log = dir.resolve("log").resolve("gatehouse.log");

            // COM_QUIT: the trace stays in memory. Done first, so the later dumps show it has ended by then.
            assertThat(cli("trquit", "SELECT 1").waitFor()).isZero();

            Process dropped = cli("trdrop", "SELECT SLEEP(60)");
            clients.add(dropped);
            long id = awaitSession("trdrop");
            JsonNode kept = JSON.readTree(gatectl("api", "get", "sessions/" + id)).at("/data/attributes/log");
            assertThat(kept.isArray()).as(kept.toString()).isTrue();
            List<String> lines = new ArrayList<>();
            kept.forEach(l -> lines.add(l.asText()));
            assertThat(lines).anyMatch(l -> l.contains(" info: ") && l.contains("trdrop@127.0.0.1 logged in"));
            assertThat(gatectl("show", "session", Long.toString(id))).contains("Log").contains("trdrop@127.0.0.1 logged in");

            dropped.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            lineOf(log, "Session trace of session " + id + ": ");
            lineOf(log, "Session " + id + ": the client from 127.0.0.1 closed the connection");
            assertThat(Files.readAllLines(log)).filteredOn(l -> l.contains("trdrop@127.0.0.1 logged in"))
                    .as("written only as the trace").isNotEmpty()
                    .allMatch(l -> l.contains("Session trace of session " + id + ": "));
            assertThat(Files.readString(log)).contains("info: ClientSession: Session " + id + ": trdrop@127.0.0.1 logged in")
                    .as("log_info is off: no info line outside the trace").doesNotContain(" DEBUG ")
                    .as("the session that quit").doesNotContain("trquit@");

            // session_trace_match: a session that quits is traced when one of its lines matches.
            gatectl("alter", "maxscale", "session_trace_match", "/trmatch@/");
            assertThat(cli("trquit", "SELECT 1").waitFor()).isZero();
            assertThat(cli("trmatch", "SELECT 1").waitFor()).isZero();
            lineOf(log, "trmatch@127.0.0.1 logged in");
            assertThat(lineOf(log, "a line matches session_trace_match")).contains("Session trace of session");
            assertThat(Files.readString(log)).doesNotContain("trquit@");

            // At runtime: 0 keeps nothing (no log in the session view, no dump), 10 traces again.
            gatectl("alter", "maxscale", "session_trace", "0");
            Process off = cli("troff", "SELECT SLEEP(60)");
            clients.add(off);
            long offId = awaitSession("troff");
            assertThat(JSON.readTree(gatectl("api", "get", "sessions/" + offId)).at("/data/attributes/log")).isEmpty();
            off.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            gatectl("alter", "maxscale", "session_trace", "10");
            assertThat(gatectl("api", "get", "maxscale", "data.attributes.parameters.session_trace").strip()).isEqualTo("10");
            Process ten = cli("trten", "SELECT SLEEP(60)");
            clients.add(ten);
            long tenId = awaitSession("trten");
            ten.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            lineOf(log, "Session trace of session " + tenId + ": ");
            assertThat(Files.readString(log)).as("the session traced while session_trace was 0")
                    .doesNotContain("Session trace of session " + offId + ":");
        } finally {
            clients.forEach(Process::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** A {@code mariadb} command-line client running {@code sql} as {@code user} through the Write listener. */
    private Process cli(String user, String sql) throws IOException {
        return new ProcessBuilder("mariadb", "-h127.0.0.1", "-P" + port, "-u" + user, "-ppw", Accounts.DATABASE,
                "-e", sql).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Waits for the session of {@code user} and returns its id. */
    private long awaitSession(String user) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            for (JsonNode s : JSON.readTree(gatectl("api", "get", "sessions")).path("data")) {
                if (user.equals(s.at("/attributes/user").asText())) {
                    return s.path("id").asLong();
                }
            }
            assertThat(System.nanoTime() < deadline).as("a session of %s", user).isTrue();
            Thread.sleep(100);
        }
    }

    private String gatectl(String... args) {
        return DaemonTestSupport.gatectl(adminPort, args);
    }
}
