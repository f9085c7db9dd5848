package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.tests.GatectlRunner.Run;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * maxctrl's global options in gatectl against a running Gatehouse on the shared cluster: the {@code [maxctrl]}
 * section of {@code --config} (and maxctrl's refusals of a bad file), {@code --quiet}, {@code --timeout} with a
 * unit, {@code --skip-sync}, {@code -p ''} reading the password from standard input, and several {@code --hosts}
 * (every one checked first, each answer headed by its host). The client-certificate options are in
 * GatectlWriteTest, which has an HTTPS admin API. gatectl runs in this JVM on the JUnit thread.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatectlGlobalOptionsTest {
    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    GatectlGlobalOptionsTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-gatectl-global");
        Files.writeString(dir.resolve("gatehouse.cnf"), GatehouseExtension.config(cluster, dir));
        gatehouse = Gatehouse.start(dir.resolve("gatehouse.cnf"));
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private String host() {
        return "127.0.0.1:" + gatehouse.admin().port();
    }

    private Run gatectl(String... args) {
        return GatectlRunner.run(gatehouse, args);
    }

    /** gatectl with exactly these arguments: no --hosts or --timeout added. */
    private static Run bare(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gatectl.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    /** A file outside Gatehouse's own directories, which it reads .cnf files from. */
    private Path cnf(String name, String text, String perms) throws Exception {
        Path f = Files.createDirectories(dir.resolve("cli")).resolve(name);
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        return f;
    }

    @Test
    void configFileGivesTheGlobalOptionsAndTheCommandLineWins() throws Exception {
        Path good = cnf("good.cnf", "# gatectl\n[other]\nhosts=10.9.9.9:1\n\n[maxctrl]\nhosts=" + host()
                + "\nuser=admin\npassword=mariadb\ntimeout=30s\ntsv\n", "rw-------");
        Run r = bare("--config", good.toString(), "list", "servers");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).as("tsv from the file").doesNotContain("┌").contains(cluster.primary().name() + "\t");
        Path wrongUser = cnf("wrong-user.cnf", "[maxctrl]\nhosts=" + host() + "\nu=nobody\n", "rw-------");
        assertThat(bare("-c", wrongUser.toString(), "list", "servers").status()).as("user from the file").isEqualTo(1);
        Run wins = bare("-c", wrongUser.toString(), "--user", "admin", "list", "servers");
        assertThat(wins.status()).as(wins.err()).isZero();
        assertThat(wins.out()).contains("┌");

        Path open = cnf("open.cnf", "[maxctrl]\nhosts=" + host() + "\n", "rw-r--r--");
        assertThat(bare("-c", open.toString(), "list", "servers").err()).contains("open to its group or to others").contains("chmod 600");
        Path suffix = cnf("gatectl.ini", "[maxctrl]\n", "rw-------");
        assertThat(bare("-c", suffix.toString(), "list", "servers").err()).contains("'.cnf' suffix");
        Path noSection = cnf("nosection.cnf", "[client]\nuser=x\n", "rw-------");
        assertThat(bare("-c", noSection.toString(), "list", "servers").err()).contains("[maxctrl] section");
        Path hyphen = cnf("hyphen.cnf", "[maxctrl]\n--user=x\n", "rw-------");
        assertThat(bare("-c", hyphen.toString(), "list", "servers").err()).contains("without hyphens");
        Run missing = bare("-c", dir.resolve("cli").resolve("missing.cnf").toString(), "list", "servers");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("missing.cnf");
    }

    @Test
    void quietPrintsNothingButErrors() {
        Run r = gatectl("--quiet", "list", "servers");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEmpty();
        Run bad = gatectl("-q", "show", "server", "No-Such-Server");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).contains("No-Such-Server");
    }

    @Test
    void timeoutTakesMaxctrlsUnits() {
        for (String t : new String[] {"30000", "30000ms", "30s", "1m", "1h"}) {
            Run r = bare("--hosts", host(), "-t", t, "--tsv", "list", "monitors");
            assertThat(r.status()).as("-t " + t + ": " + r.err()).isZero();
        }
        Run bad = bare("--hosts", host(), "-t", "5x", "list", "monitors");
        assertThat(bad.status()).isNotZero();
        assertThat(bad.err()).contains("'x' in '5x' is not a valid duration suffix");
        assertThat(bare("--hosts", host(), "-t", "soon", "list", "monitors").err())
                .contains("'soon' is not a valid duration");
    }

    @Test
    void skipSyncIsAcceptedOnChanges() {
        Run r = gatectl("--skip-sync", "alter", "monitor", "Cluster-Monitor", "monitor_interval=500ms");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("OK\n");
        assertThat(gatectl("--skip-sync", "--tsv", "list", "monitors").out()).contains("Cluster-Monitor\t");
    }

    @Test
    void anEmptyPasswordIsReadFromStandardInput() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("mariadb\n".getBytes(StandardCharsets.UTF_8)));
            Run r = gatectl("-p", "", "--tsv", "list", "monitors");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("Cluster-Monitor\t");
            System.setIn(new ByteArrayInputStream("wrong\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(gatectl("--password=", "list", "monitors").err()).contains("401");
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void severalHostsAreAllCheckedFirstAndEachAnswerIsHeaded() {
        Run both = gatectl("--hosts", host() + "," + host(), "--tsv", "list", "monitors");
        assertThat(both.status()).as(both.err()).isZero();
        assertThat(both.out().lines().filter(l -> l.equals(host())).count()).isEqualTo(2);
        assertThat(both.out().lines().filter(l -> l.startsWith("Cluster-Monitor\t")).count()).isEqualTo(2);
        Run one = gatectl("--tsv", "list", "monitors");
        assertThat(one.out()).doesNotContain(host());

        Run half = gatectl("--hosts", host() + ",127.0.0.1:1", "create", "server", "half-created",
                "address=127.0.0.1", "port=3306");
        assertThat(half.status()).isEqualTo(1);
        assertThat(half.err()).contains("127.0.0.1:1");
        assertThat(gatectl("--tsv", "list", "servers").out()).as("nothing done before every host answered")
                .doesNotContain("half-created");
    }

    @Test
    void helpAndVersion() {
        Run help = bare("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("--skip-sync").contains("--tls-passphrase").contains("debug");
        assertThat(bare("--version").out()).startsWith("gatectl ");
        Run verbHelp = bare("list", "queries", "--help");
        assertThat(verbHelp.status()).isZero();
        assertThat(verbHelp.out()).contains("--max-length");
        assertThat(bare("help", "show").out()).contains("replication");
    }

    @Test
    void listQueriesNamesTheParameterItNeeds() {
        Run r = gatectl("list", "queries");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("retain_last_statements");
    }
}
