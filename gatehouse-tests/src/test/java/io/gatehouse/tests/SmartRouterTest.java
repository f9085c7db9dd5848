package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * smartrouter over two independent servers, A (master) and B, holding the same table and two views of it: view
 * {@code slow_on_a} sleeps per row on A only and {@code slow_on_b} on B only. After one measurement (the statement
 * reaches both servers), further statements of the same shape go only to the server that answered first, so each
 * shape ends up on a different server; writes go only to the master. Where statements went is read from each
 * server's general query log. A master that is not a target is refused at start. JUnit test
 * thread; the clients own no Netty buffers.
 */
class SmartRouterTest {
    @TempDir
    static Path dir;
    static TwoServerBed bed;
    static MariaDbServer a;
    static MariaDbServer b;
    static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        bed = TwoServerBed.start("smarta", 71, "smartb", 72);
        a = bed.a();
        b = bed.b();
        for (MariaDbServer s : List.of(a, b)) {
            boolean isA = s == a;
            s.execute("CREATE TABLE test.s (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO test.s VALUES (1, 'one');"
                    + "CREATE VIEW test.slow_on_a AS SELECT id, v, SLEEP(" + (isA ? "0.5" : "0") + ") AS z FROM test.s;"
                    + "CREATE VIEW test.slow_on_b AS SELECT id, v, SLEEP(" + (isA ? "0" : "0.5")
                    + ") AS z FROM test.s");
        }
        a.setGeneralLog(true);
        b.setGeneralLog(true);
        gatehouse = bed.startGatehouse(dir, config("", dir));
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private static String config(String extra, Path dir) {
        return bed.baseConfig(dir)
                + "[Smart]\ntype=service\nrouter=smartrouter\ntargets=A,B\nmaster=A\nuser=" + Accounts.SERVICE_USER
                + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Smart-L]\ntype=listener\nservice=Smart\naddress=127.0.0.1\nport=0\n\n" + extra;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port("Smart-L")
                + "/test?connectTimeout=10000&socketTimeout=20000", Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    /** How many statements containing {@code text} {@code s} has run, from its general query log. */
    private static long ran(MariaDbServer s, String text) throws Exception {
        if (!Files.exists(s.generalLog())) {
            return 0;
        }
        return Files.readAllLines(s.generalLog(), java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.contains(text)).count();
    }

    private static String value(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void eachShapeGoesToTheServerThatAnsweredItFirst() throws Exception {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            // The measurement: both servers run it; the client gets the first answer (B's, A sleeps).
            assertThat(value(st, "SELECT v, z FROM slow_on_a WHERE id = 1 AND v <> 'm0'")).isEqualTo("one");
            assertThat(ran(a, "'m0'")).as("measured on A").isEqualTo(1);
            assertThat(ran(b, "'m0'")).as("measured on B").isEqualTo(1);

            // The same shape with other constants now goes only to B.
            for (int i = 1; i <= 3; i++) {
                assertThat(value(st, "SELECT v, z FROM slow_on_a WHERE id = 1 AND v <> 'm" + i + "'"))
                        .isEqualTo("one");
            }
            assertThat(ran(a, "slow_on_a")).as("A after measurement").isEqualTo(1);
            assertThat(ran(b, "slow_on_a")).as("B after measurement").isEqualTo(4);

            // The mirror-image shape ends up on A.
            for (int i = 0; i <= 2; i++) {
                assertThat(value(st, "SELECT v, z FROM slow_on_b WHERE id = 1 AND v <> 'n" + i + "'"))
                        .isEqualTo("one");
            }
            assertThat(ran(a, "slow_on_b")).as("A for slow_on_b").isEqualTo(3);
            assertThat(ran(b, "slow_on_b")).as("B for slow_on_b").isEqualTo(1);

            // Writes go to the master only.
            st.executeUpdate("INSERT INTO s VALUES (2, 'two')");
            assertThat(ran(a, "INSERT INTO s VALUES (2")).isEqualTo(1);
            assertThat(ran(b, "INSERT INTO s VALUES (2")).isZero();
        } finally {
            a.execute("DELETE FROM test.s WHERE id = 2");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fastest = (Map<String, Object>) gatehouse.runtime().services().get("Smart").router()
                .diagnostics().get("fastest");
        assertThat(fastest.toString()).contains("slow_on_a").contains("target=B").contains("target=A");
    }

    @Test
    void aMasterThatIsNotATargetIsRefusedAtStart() throws Exception {
        Path cnf = TwoServerBed.badConfig(dir, badDir -> config("", badDir).replace("master=A", "master=C"));
        assertThatThrownBy(() -> Gatehouse.start(cnf).close()).hasMessageContaining("[Smart] master: 'C'")
                .hasMessageContaining("A, B");
    }
}
