package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gatectl's write verbs against a Gatehouse whose admin API serves HTTPS (a self-signed certificate made with the
 * {@code openssl} command line): {@code create}, {@code alter}, {@code link}/{@code unlink} and {@code destroy}
 * with maxctrl's arguments change the proxy (a created listener serves a real JDBC client), the results show in
 * {@code list} tables and TSV, refusals exit 1 naming the cause, and the TLS options behave as maxctrl's. Real
 * cluster; gatectl runs in this JVM on the JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class GatectlWriteTest {
    private static Gatehouse gatehouse;
    private static MariaDbCluster cluster;
    private static Path dir;

    @BeforeAll
    static void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-gatectl-write");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
        StringBuilder sb = new StringBuilder("[maxscale]\nthreads=2\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + dir
                + "\ndatadir=" + dir + "\npersistdir=" + dir.resolve("persist") + "\npiddir=" + dir
                + "\nadmin_ssl_key=" + dir.resolve("key.pem") + "\nadmin_ssl_cert=" + dir.resolve("cert.pem") + "\n\n");
        List<String> names = new ArrayList<>();
        for (MariaDbServer s : c.servers()) {
            sb.append('[').append(s.name()).append("]\ntype=server\naddress=127.0.0.1\nport=").append(s.port()).append("\n\n");
            names.add(s.name());
        }
        sb.append("[MariaDB-Monitor]\ntype=monitor\nmodule=mariadbmon\nservers=").append(String.join(",", names))
                .append("\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                        + "\nmonitor_interval=500ms\nbackend_read_timeout=10s\n");
        Files.writeString(dir.resolve("gatehouse.cnf"), sb.toString());
        gatehouse = Gatehouse.start(dir.resolve("gatehouse.cnf"));
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private record Run(int status, String out, String err) {
    }

    /** gatectl over HTTPS trusting the test's certificate. */
    private static Run gatectl(String... args) {
        List<String> all = new ArrayList<>(List.of("--secure", "--tls-ca-cert", dir.resolve("cert.pem").toString()));
        all.addAll(Arrays.asList(args));
        return raw(all.toArray(String[]::new));
    }

    private static Run raw(String... args) {
        List<String> all = new ArrayList<>(List.of("--timeout", "30000", "--hosts", "127.0.0.1:" + gatehouse.admin().port()));
        all.addAll(Arrays.asList(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gatectl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    private static void ok(String... args) {
        Run r = gatectl(args);
        assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isZero();
        assertThat(r.out()).isEqualTo("OK\n");
    }

    /** The TSV row of {@code list what} whose first cell is {@code name}, or null. */
    private static String[] row(String what, String name) {
        Run r = gatectl("--tsv", "list", what);
        assertThat(r.status()).as(r.err()).isZero();
        return r.out().lines().map(l -> l.split("\t", -1)).filter(c -> c[0].equals(name)).findFirst().orElse(null);
    }

    @Test
    void createAlterLinkAndDestroyWithMaxctrlsArguments() throws Exception {
        int primaryPort = cluster.primary().port();
        String replica = cluster.replicas().get(0).name();
        ok("create", "server", "extra", "127.0.0.1", String.valueOf(primaryPort));
        assertThat(row("servers", "extra")).startsWith("extra", "127.0.0.1", String.valueOf(primaryPort));
        ok("create", "monitor", "Mon2", "mariadbmon", "monitor_interval=500ms", "--servers", "extra",
                "--monitor-user", Accounts.SERVICE_USER, "--monitor-password", Accounts.SERVICE_PASSWORD);
        assertThat(row("monitors", "Mon2")).containsSequence("Mon2", "Running", "extra");
        ok("create", "filter", "Hint", "hintfilter");
        ok("create", "service", "Svc2", "readwritesplit", "user=" + Accounts.SERVICE_USER,
                "password=" + Accounts.SERVICE_PASSWORD, "--servers", "extra", "--filters", "Hint");
        assertThat(row("services", "Svc2")).contains("readwritesplit");
        assertThat(row("filters", "Hint")).containsSequence("Hint", "Svc2", "hintfilter");
        ok("create", "listener", "Svc2", "Lis2", "0", "--interface", "127.0.0.1");
        Run table = gatectl("list", "listeners");
        assertThat(table.out().lines().filter(l -> l.startsWith("│ Lis2 ")).findFirst().orElseThrow())
                .contains("Svc2").contains("Running");
        try (Connection conn = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port("Lis2") + "/",
                Accounts.APP_USER, Accounts.APP_PASSWORD); ResultSet rs = conn.createStatement().executeQuery("SELECT @@port")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(primaryPort);
        }

        ok("alter", "service", "Svc2", "max_connections", "7");
        assertThat(gatehouse.runtime().services().get("Svc2").params().integer("max_connections")).isEqualTo(7);
        ok("alter", "server", "extra", "rank", "secondary");
        assertThat(gatehouse.runtime().servers().get("extra").primaryRank()).isFalse();
        ok("alter", "monitor", "Mon2", "monitor_interval", "700ms");
        Run listenerPort = gatectl("alter", "listener", "Lis2", "port", "1");
        assertThat(listenerPort.status()).isEqualTo(1);
        assertThat(listenerPort.err()).startsWith("Error: ").contains("port");
        ok("alter", "maxscale", "log_info", "true");
        Run threads = gatectl("alter", "maxscale", "threads", "300");
        assertThat(threads.status()).isEqualTo(1);
        assertThat(threads.err()).contains("threads").contains("threads_max=256");

        ok("link", "service", "Svc2", replica);
        assertThat(row("services", "Svc2")[4]).contains("extra").contains(replica);
        ok("unlink", "service", "Svc2", replica);
        assertThat(row("services", "Svc2")[4]).doesNotContain(replica);
        ok("link", "monitor", "Mon2", replica);
        assertThat(row("monitors", "Mon2")[2]).contains(replica);
        ok("unlink", "monitor", "Mon2", replica);

        Run inUse = gatectl("destroy", "server", "extra");
        assertThat(inUse.status()).isEqualTo(1);
        assertThat(inUse.err()).contains("in use").contains("Svc2");
        Run withListener = gatectl("destroy", "service", "Svc2");
        assertThat(withListener.status()).isEqualTo(1);
        assertThat(withListener.err()).contains("Lis2");
        ok("destroy", "listener", "Svc2", "Lis2");
        ok("destroy", "service", "Svc2");
        ok("destroy", "filter", "Hint");
        ok("destroy", "monitor", "Mon2", "--force");
        ok("destroy", "server", "extra");
        assertThat(row("servers", "extra")).isNull();
        assertThat(row("monitors", "Mon2")).isNull();
        assertThat(Files.exists(dir.resolve("persist").resolve("extra.cnf"))).isFalse();
        Run badParam = gatectl("create", "server", "bad", "127.0.0.1", "many");
        assertThat(badParam.status()).isEqualTo(1);
        assertThat(badParam.err()).contains("port").contains("many");
    }

    @Test
    void tlsOptionsBehaveAsMaxctrls() {
        Run untrusted = raw("--secure", "list", "servers");
        assertThat(untrusted.status()).isEqualTo(1);
        assertThat(untrusted.err()).startsWith("Error: ");
        Run unverified = raw("--secure", "--tls-verify-server-cert=false", "--tsv", "list", "servers");
        assertThat(unverified.status()).as(unverified.err()).isZero();
        assertThat(unverified.out()).contains(cluster.primary().name() + "\t127.0.0.1\t");
        for (String[] off : new String[][] {{"-n", "false"}, {"--no-tls-verify-server-cert"}}) {
            List<String> args = new ArrayList<>(List.of("--secure"));
            args.addAll(Arrays.asList(off));
            args.addAll(List.of("--tsv", "list", "monitors"));
            Run r = raw(args.toArray(String[]::new));
            assertThat(r.status()).as(String.join(" ", off) + ": " + r.err()).isZero();
        }
        assertThat(raw("--secure", "-n", "--tsv", "list", "monitors").status()).as("-n alone verifies").isEqualTo(1);
        Run plain = raw("list", "servers");
        assertThat(plain.status()).isEqualTo(1);
        Run trusted = gatectl("--tsv", "list", "monitors");
        assertThat(trusted.out()).startsWith("MariaDB-Monitor\t");
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    }

    /**
     * maxctrl's client certificate options: an encrypted PKCS#8 key needs --tls-passphrase (a wrong one is named),
     * a traditional RSA key is read too, and --tls-key and --tls-cert come together. The admin API does not ask
     * for a client certificate, so the requests succeed once the files are read.
     */
    @Test
    void clientCertificateOptionsReadTheKeyAndCertificate() throws Exception {
        String key = dir.resolve("client-key.pem").toString();
        String cert = dir.resolve("client-cert.pem").toString();
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes-256-cbc", "-pass",
                "pass:secret", "-out", key);
        openssl("req", "-new", "-x509", "-key", key, "-passin", "pass:secret", "-days", "2", "-subj", "/CN=gatectl",
                "-out", cert);
        assertThat(Files.readString(Path.of(key))).contains("BEGIN ENCRYPTED PRIVATE KEY");
        Run withPass = gatectl("--tls-key", key, "--tls-cert", cert, "--tls-passphrase", "secret", "--tsv", "list",
                "monitors");
        assertThat(withPass.status()).as(withPass.err()).isZero();
        assertThat(withPass.out()).startsWith("MariaDB-Monitor\t");
        assertThat(gatectl("--tls-key", key, "--tls-cert", cert, "list", "monitors").err()).contains("--tls-passphrase");
        // Many wrong passphrases: now and then one decrypts to bytes with valid padding, which must still be named.
        for (int i = 0; i < 40; i++) {
            assertThat(gatectl("--tls-key", key, "--tls-cert", cert, "--tls-passphrase", "wrong" + i, "list",
                    "monitors").err()).as("passphrase wrong" + i).contains("--tls-passphrase");
        }

        // openssl req encrypts its new key with 3DES, which the JDK alone cannot read.
        String reqKey = dir.resolve("client-req-key.pem").toString();
        String reqCert = dir.resolve("client-req-cert.pem").toString();
        openssl("req", "-x509", "-newkey", "rsa:2048", "-passout", "pass:secret", "-days", "2", "-subj", "/CN=req",
                "-keyout", reqKey, "-out", reqCert);
        Run des = gatectl("--tls-key", reqKey, "--tls-cert", reqCert, "--tls-passphrase", "secret", "--tsv", "list",
                "monitors");
        assertThat(des.status()).as(des.err()).isZero();

        String rsa = dir.resolve("client-rsa.pem").toString();
        String rsaCert = dir.resolve("client-rsa-cert.pem").toString();
        openssl("genrsa", "-traditional", "-out", rsa, "2048");
        openssl("req", "-new", "-x509", "-key", rsa, "-days", "2", "-subj", "/CN=gatectl-rsa", "-out", rsaCert);
        assertThat(Files.readString(Path.of(rsa))).contains("BEGIN RSA PRIVATE KEY");
        Run traditional = gatectl("--tls-key", rsa, "--tls-cert", rsaCert, "--tsv", "list", "monitors");
        assertThat(traditional.status()).as(traditional.err()).isZero();

        assertThat(gatectl("--tls-key", rsa, "list", "monitors").err()).contains("--tls-key needs --tls-cert");
        assertThat(gatectl("--tls-cert", rsaCert, "list", "monitors").err()).contains("--tls-cert needs --tls-key");
        assertThat(gatectl("--tls-key", rsaCert, "--tls-cert", rsaCert, "list", "monitors").err())
                .contains("--tls-key").contains("no PEM private key");
    }
}
