package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol modules end to end: the example {@code lineprotocol} is built from {@code examples/line-protocol} with
 * Maven, loaded from a plugin directory, and serves a listener in front of a primary and two replicas through
 * readwritesplit, so a plain socket's lines run as statements (writes on the primary, reads on a replica); a
 * listener naming no loaded protocol stops the start. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class ProtocolModulesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void lineProtocolFromLibdirRunsStatementsThroughReadWriteSplit(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path work = Files.createDirectories(dir.resolve("build"));
        Files.copy(ExamplePlugins.buildAgainstThisApi("line-protocol", work), plugins.resolve("line-protocol.jar"));
        String service = "type=service\nrouter=readwritesplit\ncluster=Cluster-Monitor\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n";
        String cnf = GatehouseExtension.config(cluster, dir).replace("[maxscale]\n", "[maxscale]\nlibdir=" + plugins + "\n")
                + "[Line-Service]\n" + service
                + "[Line-Listener]\ntype=listener\nservice=Line-Service\nprotocol=LineProtocol\naddress=127.0.0.1\n"
                + "port=0\nuser=" + Accounts.APP_USER + "\npassword=" + Accounts.APP_PASSWORD + "\ndatabase="
                + Accounts.DATABASE + "\n\n"
                + "[Bad-Login-Listener]\ntype=listener\nservice=Line-Service\nprotocol=lineprotocol\n"
                + "address=127.0.0.1\nport=0\nuser=" + Accounts.APP_USER + "\npassword=not-the-password\n\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);

        try (Gatehouse gh = Gatehouse.start(file)) {
            int port = gh.port("Line-Listener");
            awaitServed(port);
            try (LineClient c = new LineClient(port)) {
                assertThat(c.run("CREATE TABLE line_proto (id INT PRIMARY KEY, written_on INT, note VARCHAR(20))"))
                        .containsExactly("OK 0");
                // The write goes to the primary: the row records the server_id of the server that ran it.
                assertThat(c.run("INSERT INTO line_proto VALUES (1, @@server_id, 'héllo'), (2, @@server_id, NULL)"))
                        .containsExactly("OK 2");
                cluster.awaitReplication(Duration.ofSeconds(20));
                String primary = String.valueOf(cluster.primary().serverId());
                assertThat(c.run("SELECT id, written_on, note FROM line_proto ORDER BY id"))
                        .containsExactly("1\t" + primary + "\théllo", "2\t" + primary + "\tNULL", "OK 0");
                // A read outside a transaction is served by a replica.
                List<String> replicas = cluster.replicas().stream().map(r -> String.valueOf(r.serverId())).toList();
                List<String> read = c.run("SELECT @@server_id");
                assertThat(read).hasSize(2).last().isEqualTo("OK 0");
                assertThat(replicas).contains(read.get(0));
                assertThat(c.run("SELECT * FROM no_such_table"))
                        .singleElement().asString().startsWith("ERR 1146 ").contains("no_such_table");
                // The session goes on after an error; several lines sent at once are answered in order.
                assertThat(c.runAll("UPDATE line_proto SET note = 'x' WHERE id = 2", "DELETE FROM line_proto"))
                        .containsExactly("OK 1", "OK 2");
                // The protocol's session is one of the service's sessions, with the client's address and the account.
                JsonNode sessions = get(gh.admin().port(), "/v1/sessions").get("data");
                assertThat(sessions.findValues("attributes")).anySatisfy(a -> {
                    assertThat(a.get("user").asText()).isEqualTo(Accounts.APP_USER);
                    assertThat(a.get("remote").asText()).isEqualTo("127.0.0.1");
                });
                assertThat(sessions.toString()).contains("Line-Service");
            }
            // The service's accounts check the protocol's login as they check a MariaDB client's.
            try (LineClient c = new LineClient(gh.port("Bad-Login-Listener"))) {
                List<String> refused = c.run("SELECT 1");
                assertThat(refused).singleElement().asString().startsWith("ERR 1045 ");
                assertThat(c.readLine()).as("the connection ends after the refusal").isNull();
            }

            // The REST API lists protocol modules as MaxScale does, the built-in one among them.
            int admin = gh.admin().port();
            JsonNode line = get(admin, "/v1/maxscale/modules/lineprotocol").at("/data/attributes");
            assertThat(line.get("module_type").asText()).isEqualTo("Protocol");
            assertThat(line.get("parameters").findValuesAsText("name")).contains("user", "password", "port");
            JsonNode builtIn = get(admin, "/v1/maxscale/modules/MariaDBClient").at("/data/attributes");
            assertThat(builtIn.get("module_type").asText()).isEqualTo("Protocol");
            assertThat(get(admin, "/v1/listeners/Line-Listener").at("/data/attributes/parameters/user").asText())
                    .isEqualTo(Accounts.APP_USER);
        } finally {
            dropTable(cluster.primary());
        }

        // A protocol module's listener parameters are checked like any module's: what it does not declare is refused,
        // as are the MariaDB protocol's TLS and PROXY header features, rather than accepted and ignored.
        // (In a directory of their own: every other .cnf file of persistdir counts as a runtime change.)
        Path checks = Files.createDirectories(dir.resolve("checks"));
        String base = cnf.substring(0, cnf.indexOf("[Bad-Login-Listener]"))
                .replace("\npersistdir=" + dir + "\n", "\npersistdir=" + checks + "\n");
        assertThat(base).contains("persistdir=" + checks);
        Path bad = checks.resolve("bad.cnf");
        Files.writeString(bad, base.replace("protocol=LineProtocol\n", "protocol=LineProtocol\ncolour=blue\n"));
        assertThatThrownBy(() -> Gatehouse.check(bad)).hasMessageContaining("[Line-Listener] colour: 'blue'")
                .hasMessageContaining("unknown parameter");
        Files.writeString(bad, base.replace("protocol=LineProtocol\n", "protocol=LineProtocol\nssl=true\n"));
        assertThatThrownBy(() -> Gatehouse.check(bad)).hasMessageContaining("[Line-Listener] ssl: 'true'")
                .hasMessageContaining("protocol=lineprotocol");
        Files.writeString(bad, base.replace("protocol=LineProtocol\n", "protocol=LineProtocol\nmax_line_length=0\n"));
        assertThatThrownBy(() -> Gatehouse.check(bad)).hasMessageContaining("[Line-Listener] max_line_length: '0'");
    }

    @Test
    void aListenerNamingNoLoadedProtocolIsRefused(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, GatehouseExtension.config(cluster, dir)
                + "[Odd-Listener]\ntype=listener\nservice=Split-Service\nprotocol=nosuchprotocol\nport=0\n\n");
        assertThatThrownBy(() -> Gatehouse.start(file).close())
                .hasMessageContaining("[Odd-Listener] protocol: 'nosuchprotocol'")
                .hasMessageContaining("MariaDBClient");

        // The built-in protocol's other names, in any letter case, are the same module.
        for (String alias : List.of("mariadbprotocol", "MariaDB", "mariadbclient", "MariaDBProtocol")) {
            Files.writeString(file, GatehouseExtension.config(cluster, dir)
                    + "[Alias-Listener]\ntype=listener\nservice=Split-Service\nprotocol=" + alias + "\nport=0\n\n");
            assertThat(Gatehouse.check(file).listeners()).anySatisfy(l -> {
                assertThat(l.name()).isEqualTo("Alias-Listener");
                assertThat(l.module()).isEqualTo("MariaDBClient");
            });
        }
        // The MariaDB protocol declares no parameter of its own: what a listener does not know is still refused.
        Files.writeString(file, GatehouseExtension.config(cluster, dir)
                + "[Odd-Listener]\ntype=listener\nservice=Split-Service\nport=0\nuser=someone\n\n");
        assertThatThrownBy(() -> Gatehouse.check(file)).hasMessageContaining("[Odd-Listener] user:")
                .hasMessageContaining("unknown parameter");
    }

    private static void awaitServed(int port) throws Exception {
        // The monitor's first pass decides which servers are running; until then the service has no primary.
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (LineClient c = new LineClient(port)) {
                List<String> r = c.run("SELECT 1");
                if (r.equals(List.of("1", "OK 0"))) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the line listener never answered SELECT 1: " + r);
                }
            }
            Thread.sleep(200);
        }
    }

    private static void dropTable(MariaDbServer primary) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + primary.port() + "/"
                + Accounts.DATABASE, Accounts.ROOT_USER, Accounts.ROOT_PASSWORD); var s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS line_proto");
        }
    }

    private static JsonNode get(int port, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return new ObjectMapper().readTree(resp.body());
    }

    /** A line-protocol client over a plain socket: one statement per line, answers read up to their OK/ERR line. */
    private static final class LineClient implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader in;

        LineClient(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Sends one statement and returns its answer's lines, the final OK/ERR line included. */
        List<String> run(String sql) throws Exception {
            return runAll(sql);
        }

        /** Sends the statements in one write and returns the final lines of their answers, in order. */
        List<String> runAll(String... sqls) throws Exception {
            StringBuilder sb = new StringBuilder();
            for (String s : sqls) {
                sb.append(s).append('\n');
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            List<String> lines = new ArrayList<>();
            int answers = 0;
            while (answers < sqls.length) {
                String l = in.readLine();
                if (l == null) {
                    break;
                }
                boolean last = l.startsWith("OK ") || l.startsWith("ERR ");
                if (sqls.length == 1 || last) {
                    lines.add(l);
                }
                if (last) {
                    answers++;
                }
            }
            return lines;
        }

        String readLine() throws Exception {
            return in.readLine();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
