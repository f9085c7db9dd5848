package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROXY protocol both ways: a load balancer at 127.0.0.1 (trusted) says the client is 10.9.8.7, Gatehouse logs the
 * client in as that address and tells the server the same (server {@code proxy_protocol=true}), so the server's
 * grants for 'pp'@'10.9.8.%' apply; a header from 127.0.0.2 (not trusted) is refused. JUnit test thread.
 */
class ProxyProtocolTest {
    @TempDir
    static Path dir;
    static MariaDbServer db;

    @BeforeAll
    static void startServer() {
        db = MariaDbServer.startStandalone(null, "ppdb", 72, List.of("--proxy-protocol-networks=127.0.0.1/32,localhost"));
        db.execute("CREATE USER 'pp'@'10.9.8.%' IDENTIFIED BY 'pppwd'; GRANT SELECT ON test.* TO 'pp'@'10.9.8.%';");
    }

    @AfterAll
    static void stopServer() {
        if (db != null) {
            db.close();
        }
    }

    private static Gatehouse start() throws Exception {
        String cnf = "[maxscale]\nthreads=2\nadmin_enabled=false\nlogdir=" + dir + "\npiddir=" + dir + "\ndatadir=" + dir
                + "\npersistdir=" + dir + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port() + "\nproxy_protocol=true\n\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[L]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\nproxy_protocol_networks=127.0.0.1/32\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        return Gatehouse.start(file);
    }

    private static byte[] v1(String client, int port) {
        return ("PROXY TCP4 " + client + " 127.0.0.1 40000 " + port + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] v2(byte[] client, int port) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.write(0x21);                                   // version 2, PROXY
        b.write(0x11);                                   // TCP over IPv4
        b.write(0);
        b.write(12);
        b.writeBytes(client);
        b.writeBytes(new byte[] {127, 0, 0, 1});
        b.write(40001 >> 8);
        b.write(40001 & 0xFF);
        b.write(port >> 8);
        b.write(port & 0xFF);
        return b.toByteArray();
    }

    @Test
    void aTrustedHeaderMakesTheClientItsRealAddressForGatehouseAndTheServer() throws Exception {
        try (Gatehouse gh = start()) {
            int port = gh.port("L");
            try (RawSession s = RawSession.connect("127.0.0.1", port, v1("10.9.8.7", port))) {
                assertThat(s.login("pp", "pppwd")).isNull();
                assertThat(s.scalar("SELECT USER()")).isEqualTo("pp@10.9.8.7");
            }
            try (RawSession s = RawSession.connect("127.0.0.1", port, v2(new byte[] {10, 9, 8, 42}, port))) {
                assertThat(s.login("pp", "pppwd")).isNull();
                assertThat(s.scalar("SELECT USER()")).isEqualTo("pp@10.9.8.42");
            }
            // Without a header the client is 127.0.0.1, which the grants do not allow.
            try (RawSession s = RawSession.connect("127.0.0.1", port, new byte[0])) {
                assertThat(s.login("pp", "pppwd")).startsWith("1045");
            }
            // The same header from a host outside proxy_protocol_networks is refused.
            try (RawSession s = RawSession.connect("127.0.0.2", port, v1("10.9.8.7", port))) {
                assertThat(s.closedByServer()).isTrue();
            }
            // An ordinary client from the trusted network still logs in as itself.
            try (RawSession s = RawSession.connect("127.0.0.1", port, new byte[0])) {
                assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
                assertThat(s.scalar("SELECT USER()")).isEqualTo("app@127.0.0.1");
            }
        }
    }
}
