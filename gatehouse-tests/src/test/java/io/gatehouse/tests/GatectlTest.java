package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import io.gatehouse.tests.GatectlRunner.Run;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gatectl against a running Gatehouse (started as the daemon starts it, admin API included, on free ports): its
 * tables have maxctrl's columns and layout (compared with maxctrl 24.02's captured output), {@code --tsv} prints
 * maxctrl's tab-separated rows, and set/clear/stop/start/call change the proxy. Real cluster; gatectl's entry point
 * runs in this JVM on the JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class GatectlTest {
    private static Gatehouse gatehouse;
    private static MariaDbCluster cluster;
    private static Path dir;

    @BeforeAll
    static void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-gatectl");
        StringBuilder sb = GatectlRunner.clusterConfig(c, dir);
        String creds = GatectlRunner.credentials();
        sb.append("[Read-Only-Service]\ntype=service\nrouter=readconnroute\nrouter_options=slave\ncluster=MariaDB-Monitor\n")
                .append(creds).append('\n');
        sb.append("[Read-Only-Listener]\ntype=listener\nservice=Read-Only-Service\naddress=127.0.0.1\nport=0\n");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, sb.toString());
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private static Run gatectl(String... args) {
        return GatectlRunner.run(gatehouse, args);
    }

    private static String reference(String name) {
        try (InputStream in = GatectlTest.class.getResourceAsStream("/maxscale-24.02/maxctrl/" + name + ".txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cells of a table's first text line with cells (the header of a list table). */
    private static List<String> header(String table) {
        return cells(table.lines().skip(1).findFirst().orElseThrow());
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.length() - 1);
        return Arrays.stream(inner.split("│", -1)).map(String::trim).toList();
    }

    /** The first-column labels of a two-column show table. */
    private static List<String> labels(String table) {
        return table.lines().filter(l -> l.startsWith("│")).map(GatectlTest::cells)
                .filter(c -> !c.get(0).isEmpty()).map(c -> c.get(0)).toList();
    }

    @Test
    void listTablesHaveMaxctrlsColumnsAndLayout() {
        for (String what : List.of("servers", "services", "listeners", "monitors", "sessions", "threads")) {
            Run r = gatectl("list", what);
            assertThat(r.status()).as(what + ": " + r.err()).isZero();
            assertThat(header(r.out())).as(what).isEqualTo(header(reference("list_" + what)));
            List<String> lines = r.out().lines().toList();
            assertThat(lines.get(0)).startsWith("┌").endsWith("┐");
            assertThat(lines.get(lines.size() - 1)).startsWith("└").endsWith("┘");
            assertThat(lines.stream().map(String::length).distinct()).as(what + " lines are aligned").hasSize(1);
        }
        Run servers = gatectl("list", "servers");
        String primary = cluster.primary().name();
        assertThat(servers.out().lines().filter(l -> l.startsWith("│ " + primary + " ")).findFirst().orElseThrow())
                .contains("Master, Running").contains("MariaDB-Monitor").contains(String.valueOf(cluster.primary().port()));
        assertThat(gatectl("list", "monitors").out()).contains(String.join(", ", cluster.servers().stream()
                .map(MariaDbServer::name).toList()));
    }

    @Test
    void tsvPrintsMaxctrlsRows() {
        Run r = gatectl("--tsv", "list", "servers");
        assertThat(r.status()).isZero();
        List<String[]> rows = r.out().lines().map(l -> l.split("\t", -1)).toList();
        int refColumns = reference("list_servers_tsv").lines().findFirst().orElseThrow().split("\t", -1).length;
        assertThat(rows).hasSize(3);
        for (String[] row : rows) {
            assertThat(row).hasSize(refColumns);
        }
        String[] primary = rows.stream().filter(c -> c[0].equals(cluster.primary().name())).findFirst().orElseThrow();
        assertThat(primary[1]).isEqualTo("127.0.0.1");
        assertThat(primary[2]).isEqualTo(String.valueOf(cluster.primary().port()));
        assertThat(primary[4]).isEqualTo("Master, Running");
        assertThat(primary[6]).isEqualTo("MariaDB-Monitor");
    }

    @Test
    void showTablesHaveMaxctrlsFields() {
        String primary = cluster.primary().name();
        Run server = gatectl("show", "server", primary);
        assertThat(server.status()).isZero();
        assertThat(labels(server.out())).isEqualTo(labels(reference("show_server_server1")));
        assertThat(server.out()).contains("│ State ").contains("Master, Running").contains("\"address\": \"127.0.0.1\"");
        Run monitor = gatectl("show", "monitor", "MariaDB-Monitor");
        assertThat(labels(monitor.out())).isEqualTo(labels(reference("show_monitor_MariaDBMonitor")));
        Run service = gatectl("show", "service", "Read-Only-Service");
        assertThat(labels(service.out())).isEqualTo(labels(reference("show_service_RWSplitRouter")));
        Run maxscale = gatectl("show", "maxscale");
        assertThat(labels(maxscale.out())).isEqualTo(labels(reference("show_maxscale")));
    }

    @Test
    void setClearStopStartChangeTheProxy() {
        String replica = cluster.replicas().get(0).name();
        assertThat(gatectl("set", "server", replica, "maintenance").out()).isEqualTo("OK\n");
        assertThat(gatectl("--tsv", "list", "servers").out()).contains(replica + "\t127.0.0.1\t")
                .contains("Maintenance, Slave, Running");
        assertThat(gatectl("clear", "server", replica, "maintenance").out()).isEqualTo("OK\n");
        assertThat(gatehouse.runtime().servers().get(replica).status()
                & io.gatehouse.api.server.ServerStatus.MAINTENANCE).isZero();
        assertThat(gatectl("stop", "monitor", "MariaDB-Monitor").out()).isEqualTo("OK\n");
        assertThat(gatehouse.runtime().isMonitorRunning("MariaDB-Monitor")).isFalse();
        assertThat(gatectl("start", "monitor", "MariaDB-Monitor").out()).isEqualTo("OK\n");
        assertThat(gatehouse.runtime().isMonitorRunning("MariaDB-Monitor")).isTrue();
        assertThat(gatectl("stop", "service", "Read-Only-Service").status()).isZero();
        assertThat(gatehouse.runtime().isServiceStarted("Read-Only-Service")).isFalse();
        assertThat(gatectl("start", "service", "Read-Only-Service").status()).isZero();
        assertThat(gatehouse.runtime().isServiceStarted("Read-Only-Service")).isTrue();
    }

    @Test
    void errorsExitWithStatusOne() {
        Run bad = gatectl("--password", "wrong", "list", "servers");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).startsWith("Error: ").contains("401");
        Run missing = gatectl("show", "server", "nope");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("nope");
        Run failover = gatectl("call", "command", "mariadbmon", "failover", "MariaDB-Monitor");
        assertThat(failover.status()).isEqualTo(1);
        assertThat(failover.err()).startsWith("Error: ");
    }

    @Test
    void hostsRunTheCommandOnEach() {
        String host = "127.0.0.1:" + gatehouse.admin().port();
        Run r = gatectl("--hosts", host + "," + host, "--tsv", "list", "monitors");
        assertThat(r.out().lines().filter(l -> l.startsWith("MariaDB-Monitor\t")).count()).isEqualTo(2);
    }
}
