package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import io.gatehouse.tests.GatectlRunner.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every maxctrl 24.02 verb gatectl had not been run with elsewhere, and the options maxctrl gives them, against a
 * running Gatehouse on the shared cluster (docs/gatectl-vs-maxctrl.md names the test of each): the list and show
 * forms of every collection, {@code list listeners SERVICE}, {@code list queries -l}, {@code --rdns},
 * {@code show qc_cache --top}, {@code show threads --kind}, {@code show replication}, several states in one
 * {@code set}/{@code clear}, the {@code key=value} forms of create and alter with relationship parameters,
 * {@code stop ... --force}, {@code destroy session ID... --ttl}, {@code api post|patch}, {@code debug stacktrace}
 * and {@code create report --archive}. gatectl runs in this JVM on the JUnit thread; real clients use the
 * listeners.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatectlEveryVerbTest {
    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    GatectlEveryVerbTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-gatectl-every");
        String cnf = GatehouseExtension.config(cluster, dir).replaceFirst("\\[maxscale\\]\n",
                "[maxscale]\nretain_last_statements=10\n");
        Files.writeString(dir.resolve("gatehouse.cnf"), cnf);
        gatehouse = Gatehouse.start(dir.resolve("gatehouse.cnf"));
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private Run gatectl(String... args) {
        return GatectlRunner.run(gatehouse, args);
    }

    private Run ok(String... args) {
        Run r = gatectl(args);
        assertThat(r.status()).as("gatectl %s: %s", String.join(" ", args), r.err()).isZero();
        return r;
    }

    private Run refused(String... args) {
        Run r = gatectl(args);
        assertThat(r.status()).as("gatectl %s should fail: %s", String.join(" ", args), r.out()).isNotZero();
        return r;
    }

    /** A value of {@code api get RESOURCE PATH} without JSON quotes. */
    private String value(String resource, String path) {
        return ok("api", "get", resource, path).out().trim().replace("\"", "");
    }

    private RawSession client(String listener) throws Exception {
        RawSession s = RawSession.connect("127.0.0.1", gatehouse.port(listener), new byte[0]);
        assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
        return s;
    }

    /** The ids of the open sessions. */
    private List<String> sessionIds() {
        return ok("--tsv", "list", "sessions").out().lines().map(l -> l.split("\t")[0]).toList();
    }

    /** The ids of sessions open now that were not in {@code before} (sessions of earlier tests may linger). */
    private List<String> newSessions(List<String> before) {
        return sessionIds().stream().filter(id -> !before.contains(id)).toList();
    }

    @Test
    void everyListAndShowFormAnswers() {
        ok("create", "filter", "EV-Rx", "regexfilter", "match=fox", "replace=cat");
        try {
            for (String what : List.of("servers", "services", "listeners", "monitors", "sessions", "filters",
                    "modules", "threads", "users", "commands")) {
                assertThat(ok("list", what).out()).as("list " + what).contains("┌");
            }
            assertThat(ok("--tsv", "list", "filters").out()).contains("EV-Rx\t");
            assertThat(ok("--tsv", "list", "services").out()).contains("Write-Service\treadconnroute");
            assertThat(ok("--tsv", "list", "modules").out()).contains("readwritesplit\t");
            for (String what : List.of("servers", "services", "monitors", "sessions", "filters", "listeners",
                    "modules", "threads", "maxscale", "logging")) {
                ok("show", what);
            }
            assertThat(ok("show", "filter", "EV-Rx").out()).contains("regexfilter").contains("fox");
            assertThat(ok("show", "listener", "Write-Listener").out()).contains("Write-Service");
            assertThat(ok("show", "module", "readconnroute").out()).contains("router");
            ok("alter", "filter", "EV-Rx", "replace=dog");
            assertThat(value("filters/EV-Rx", "data.attributes.parameters.replace")).isEqualTo("dog");
            assertThat(refused("show", "filter", "No-Such").err()).contains("No-Such");
        } finally {
            ok("destroy", "filter", "EV-Rx", "--force");
        }
    }

    @Test
    void listListenersOfOneServiceReadsTheServiceResource() {
        List<String> rows = ok("--tsv", "list", "listeners", "Write-Service").out().lines().toList();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).startsWith("Write-Listener\t").endsWith("\tWrite-Service");
        assertThat(ok("--tsv", "list", "listeners").out().lines().count()).isGreaterThan(1);
        assertThat(refused("list", "listeners", "No-Such-Service").err()).contains("No-Such-Service");
    }

    @Test
    void sessionVerbsTakeRdns() throws Exception {
        List<String> before = sessionIds();
        try (RawSession s = client("Write-Listener")) {
            String id = newSessions(before).get(0);
            assertThat(ok("--tsv", "list", "sessions", "--rdns").out()).contains(id + "\t" + Accounts.APP_USER);
            // rdns=true names the client by a reverse lookup of its address (skip_name_resolve is off here).
            String name = java.net.InetAddress.getByName("127.0.0.1").getCanonicalHostName();
            assertThat(ok("--tsv", "list", "sessions", "--rdns").out())
                    .contains(id + "\t" + Accounts.APP_USER + "\t" + name);
            assertThat(ok("show", "session", id, "--rdns").out()).contains(Accounts.APP_USER);
            assertThat(ok("show", "sessions", "--rdns").out()).contains(Accounts.APP_USER);
            assertThat(s.scalar("SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void listQueriesShowsTheRunningStatementCutToMaxLength() throws Exception {
        try (RawSession s = client("Write-Listener")) {
            s.readTimeout(30_000);
            String sql = "SELECT SLEEP(4) AS long_running_marker";
            s.send(sql);
            CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.scalarReply();
                } catch (Exception e) {
                    return "failed: " + e;
                }
            });
            String row = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (row == null && System.nanoTime() < deadline) {
                row = ok("--tsv", "list", "queries", "--max-length=0").out().lines()
                        .filter(l -> l.endsWith("\t" + sql)).findFirst().orElse(null);
            }
            assertThat(row).as("a row for the running statement").isNotNull();
            String[] cells = row.split("\t");
            assertThat(cells[1]).isEqualTo(Accounts.APP_USER);
            assertThat(cells[3]).matches("\\d+s");
            assertThat(ok("--tsv", "list", "queries", "-l", "10").out()).contains("\tSELECT SLE...")
                    .doesNotContain("long_running_marker");
            assertThat(reply.get(30, TimeUnit.SECONDS)).isEqualTo("0");
            assertThat(ok("--tsv", "list", "queries").out()).doesNotContain("long_running_marker");
        }
    }

    @Test
    void showQcCacheTopThreadsKindAndModulesLoadAll() throws Exception {
        try (RawSession s = client("Split-Listener")) {
            for (int i = 0; i < 3; i++) {
                assertThat(s.scalar("SELECT 'top-a'")).isEqualTo("top-a");
                assertThat(s.scalar("SELECT 'top-b' AS b")).isEqualTo("top-b");
            }
        }
        assertThat(ok("--tsv", "show", "qc_cache").out().lines().count()).isGreaterThanOrEqualTo(2);
        assertThat(ok("--tsv", "show", "qc_cache", "--top", "1").out().lines().count()).isEqualTo(1);
        String running = ok("show", "threads").out();
        assertThat(running).contains("Active");
        assertThat(ok("show", "threads", "--kind", "all").out()).contains("Active");
        assertThat(refused("show", "threads", "--kind", "some").err()).contains("--kind");
        assertThat(ok("show", "modules", "--load-all").out()).contains("readwritesplit");
    }

    @Test
    void showReplicationListsEachReplicasConnection() throws Exception {
        String primary = cluster.primary().name();
        String out = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && out.lines().count() < cluster.replicas().size()) {
            out = ok("--tsv", "show", "replication").out();
            Thread.sleep(200);
        }
        for (MariaDbServer r : cluster.replicas()) {
            assertThat(out).contains(r.name() + "\t" + primary + "\tYes\tYes\t");
        }
        assertThat(ok("--tsv", "show", "replication", "--monitor", "Cluster-Monitor").out()).isEqualTo(out);
        assertThat(ok("--tsv", "show", "replication", "--monitor", "Other").out()).isEmpty();
        assertThat(ok("show", "replication").out()).contains("Gtid IO Pos").contains("Lag (s)");
    }

    @Test
    void setAndClearTakeSeveralStates() {
        String replica = cluster.replicas().get(0).name();
        ok("set", "server", replica, "maintenance", "drain");
        try {
            assertThat(value("servers/" + replica, "data.attributes.state")).contains("Maintenance")
                    .contains("Drain");
        } finally {
            ok("clear", "server", replica, "maintenance", "drain");
        }
        assertThat(value("servers/" + replica, "data.attributes.state")).doesNotContain("Maintenance")
                .doesNotContain("Drain");
    }

    @Test
    void createAndAlterTakeKeyValueParametersAndRelationships() {
        MariaDbServer replica = cluster.replicas().get(0);
        ok("create", "server", "EV-Srv", "address=127.0.0.1", "port=" + replica.port(), "--services", "Read-Service");
        try {
            assertThat(value("servers/EV-Srv", "data.attributes.parameters.port")).isEqualTo("" + replica.port());
            assertThat(value("servers/EV-Srv", "data.attributes.parameters.address")).isEqualTo("127.0.0.1");
            assertThat(value("servers/EV-Srv", "data.relationships.services.data[].id")).contains("Read-Service");
            ok("create", "service", "EV-Svc", "readconnroute", "router_options=slave",
                    "user=" + Accounts.SERVICE_USER, "password=" + Accounts.SERVICE_PASSWORD, "servers=EV-Srv");
            assertThat(value("services/EV-Svc", "data.relationships.servers.data[].id")).isEqualTo("[EV-Srv]");
            ok("alter", "service", "EV-Svc", "max_connections=5");
            assertThat(value("services/EV-Svc", "data.attributes.parameters.max_connections")).isEqualTo("5");
            ok("alter", "service", "EV-Svc", "max_connections", "6", "connection_timeout", "20s");
            assertThat(value("services/EV-Svc", "data.attributes.parameters.max_connections")).isEqualTo("6");
            assertThat(refused("alter", "service", "EV-Svc", "max_connections", "7", "connection_timeout").err())
                    .contains("No value defined for parameter `connection_timeout`");
            assertThat(refused("alter", "service", "EV-Svc", "max_connections=null").err()).contains("null");
            ok("alter", "service", "EV-Svc", "servers=EV-Srv," + replica.name());
            assertThat(value("services/EV-Svc", "data.relationships.servers.data[].id"))
                    .isEqualTo("[EV-Srv," + replica.name() + "]");
            ok("create", "monitor", "EV-Mon", "mariadbmon", "user=" + Accounts.SERVICE_USER,
                    "password=" + Accounts.SERVICE_PASSWORD, "monitor_interval=1s", "servers=EV-Srv");
            assertThat(value("monitors/EV-Mon", "data.relationships.servers.data[].id")).isEqualTo("[EV-Srv]");
            assertThat(refused("create", "listener", "EV-Svc", "EV-Lis", "-5").err())
                    .contains("'-5' is not a valid value for port");
            assertThat(refused("create", "listener", "EV-Svc", "EV-Lis", "abc").err()).contains("'abc'");
        } finally {
            gatectl("destroy", "monitor", "EV-Mon", "--force");
            gatectl("destroy", "service", "EV-Svc", "--force");
            ok("destroy", "server", "EV-Srv", "--force");
        }
    }

    @Test
    void stopWithForceClosesTheClientConnections() throws Exception {
        try (RawSession kept = client("Read-Listener"); RawSession closed = client("Running-Listener")) {
            kept.readTimeout(1000);
            closed.readTimeout(5000);
            ok("stop", "listener", "Read-Listener");
            ok("stop", "listener", "Running-Listener", "--force");
            try {
                assertThat(closed.closedByServer()).as("stop listener --force").isTrue();
                assertThat(kept.closedByServer()).as("stop listener without --force").isFalse();
                assertThat(kept.scalar("SELECT 'still here'")).isEqualTo("still here");
            } finally {
                ok("start", "listener", "Read-Listener");
                ok("start", "listener", "Running-Listener");
            }
        }
        try (RawSession s = client("Read-Listener")) {
            s.readTimeout(5000);
            ok("stop", "service", "Read-Service", "--force");
            try {
                assertThat(s.closedByServer()).as("stop service --force").isTrue();
            } finally {
                ok("start", "service", "Read-Service");
            }
        }
        try (RawSession s = client("Write-Listener")) {
            s.readTimeout(5000);
            ok("stop", "services", "--force");
            try {
                assertThat(s.closedByServer()).as("stop services --force").isTrue();
            } finally {
                ok("start", "services");
            }
        }
        try (RawSession s = client("Write-Listener")) {
            s.readTimeout(5000);
            ok("stop", "maxscale", "--force");
            try {
                assertThat(s.closedByServer()).as("stop maxscale --force").isTrue();
            } finally {
                ok("start", "maxscale");
            }
        }
        assertThat(value("services", "data[].attributes.state")).doesNotContain("Stopped");
    }

    @Test
    void destroySessionClosesSeveralAndTtlGivesTime() throws Exception {
        List<String> before = sessionIds();
        try (RawSession a = client("Write-Listener"); RawSession b = client("Write-Listener")) {
            a.readTimeout(5000);
            b.readTimeout(5000);
            List<String> ids = newSessions(before);
            assertThat(ids).hasSize(2);
            ok("destroy", "session", ids.get(0), ids.get(1));
            assertThat(a.closedByServer()).isTrue();
            assertThat(b.closedByServer()).isTrue();
        }
        before = sessionIds();
        try (RawSession s = client("Write-Listener")) {
            String id = newSessions(before).get(0);
            ok("destroy", "session", "--ttl", "2", id);
            assertThat(s.scalar("SELECT 'within ttl'")).as("the session has its time").isEqualTo("within ttl");
            s.readTimeout(15_000);
            assertThat(s.closedByServer()).as("closed once the ttl passed").isTrue();
        }
        assertThat(refused("destroy", "session", "999999").err()).contains("999999");
    }

    @Test
    void apiPostAndPatchSendRawDocuments() {
        assertThat(ok("api", "post", "users/inet", "{\"data\":{\"id\":\"ev-user\",\"type\":\"inet\",\"attributes\":"
                + "{\"password\":\"pw1\",\"account\":\"basic\"}}}").out()).isEqualTo("OK\n");
        try {
            assertThat(ok("--user", "ev-user", "--password", "pw1", "--tsv", "list", "servers").out()).isNotEmpty();
            ok("api", "patch", "users/inet/ev-user", "{\"data\":{\"attributes\":{\"password\":\"pw2\"}}}");
            assertThat(gatectl("--user", "ev-user", "--password", "pw1", "list", "servers").status()).isEqualTo(1);
            ok("--user", "ev-user", "--password", "pw2", "list", "servers");
            assertThat(refused("api", "post", "users/inet", "{not json").err()).contains("not JSON");
        } finally {
            ok("destroy", "user", "ev-user");
        }
    }

    @Test
    void debugStacktraceSamplesTheThreads() {
        String once = ok("debug", "stacktrace").out();
        assertThat(once).startsWith("Count: ").contains("\nCount: 1\n").contains("java.lang.Thread");
        String folded = ok("debug", "stacktrace", "--fold", "--raw", "--interval", "100", "--duration", "0.5").out();
        List<Integer> counts = new ArrayList<>();
        for (String line : folded.lines().toList()) {
            assertThat(line).matches(".*\\[thread .*\\] \\d+");
            counts.add(Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1)));
        }
        assertThat(counts).as("idle threads show the same stack in every sample").anyMatch(c -> c >= 3);
        assertThat(counts).isSortedAccordingTo((x, y) -> Integer.compare(y, x));
    }

    @Test
    void createReportArchiveWritesATarOfTheReportAndLocalFiles() throws Exception {
        Path base = dir.resolve("support");
        assertThat(ok("create", "report", base.toString(), "--archive").out()).isEqualTo("OK\n");
        Path tar = dir.resolve("support.tar");
        assertThat(tar).exists();
        Process p = new ProcessBuilder("tar", "-tf", tar.toString()).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(listing).isTrue();
        assertThat(listing).contains("report/gatectl-report.json").contains("report/proc/meminfo");
        Process x = new ProcessBuilder("tar", "-xOf", tar.toString(), "report/gatectl-report.json")
                .redirectErrorStream(true).start();
        String report = new String(x.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(x.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(report).contains("\"servers\"").contains(cluster.primary().name());
        assertThat(refused("create", "report", base.toString(), "--archive").err()).contains("already exists");
        assertThat(refused("--hosts", "10.1.2.3:8989", "create", "report", "--archive").err())
                .contains("localhost or 127.0.0.1");
    }
}
