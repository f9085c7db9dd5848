package io.gatehouse.tests;

import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.util.constants.Capabilities;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ConnectorSuite} for MariaDB Connector/J 3.x plus what only that driver does (COM_STMT_BULK_EXECUTE,
 * streaming with an interleaved query); runs on the JUnit test thread and owns only its connections.
 *
 * <p>Connector/J 3.x has no change-user API (it never sends COM_CHANGE_USER), so change user is covered by the
 * MySQL suite; this driver's session reset is {@code org.mariadb.jdbc.Connection#reset()}, which sends
 * COM_RESET_CONNECTION only with {@code useResetConnection=true} and only when the server's version string says
 * MariaDB (10.2.4 or later), so a proxy must present a MariaDB version for it. Connector/J 3.x never opens a
 * server-side cursor either: {@code setFetchSize(n)} reads an ordinary result set from the socket n rows at a time.
 */
public abstract class MariaDbConnectorSuite extends ConnectorSuite {
    private static final Driver DRIVER = new org.mariadb.jdbc.Driver();

    @Override
    protected Driver driver() {
        return DRIVER;
    }

    @Override
    protected String urlScheme() {
        return "jdbc:mariadb://";
    }

    @Override
    protected Map<String, String> serverPrepOptions() {
        return Map.of("useServerPrepStmts", "true");
    }

    @Override
    protected Map<String, String> localInfileOptions() {
        return Map.of("allowLocalInfile", "true");
    }

    @Override
    protected Map<String, Map<String, String>> batchModes() {
        Map<String, Map<String, String>> modes = new LinkedHashMap<>();
        Map<String, String> noBulk = Map.of("useBulkStmts", "false", "useBulkStmtsForInserts", "false");
        modes.put("client-prepared, pipelined", noBulk);
        modes.put("rewriteBatchedStatements", options(noBulk, Map.of("rewriteBatchedStatements", "true")));
        modes.put("server-prepared", options(noBulk, Map.of("useServerPrepStmts", "true")));
        modes.put("server-prepared, bulk", Map.of("useServerPrepStmts", "true", "useBulkStmts", "true"));
        return modes;
    }

    @Override
    protected int streamingFetchSize() {
        return 1000;
    }

    @Override
    protected Map<String, String> resetOptions() {
        return Map.of("useResetConnection", "true");
    }

    @Override
    protected void resetSession(Connection c) throws SQLException {
        c.unwrap(org.mariadb.jdbc.Connection.class).reset();
    }

    @Test
    void bulkBatchUsesComStmtBulkExecute() throws SQLException {
        try (Connection c = connect(Map.of("useServerPrepStmts", "true", "useBulkStmts", "true"))) {
            assertThat(c.unwrap(org.mariadb.jdbc.Connection.class).getContext()
                    .hasServerCapability(Capabilities.STMT_BULK_OPERATIONS))
                    .as("endpoint offers MARIADB_CLIENT_STMT_BULK_OPERATIONS").isTrue();
            String t = createTable(c, "bulk", "id INT PRIMARY KEY, s VARCHAR(50)");
            Map<String, Long> before = SessionCounters.read(c);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + t + " (id, s) VALUES (?, ?)")) {
                for (int id = 1; id <= 1000; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, "bulk " + id);
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).hasSize(1000);
            }
            Map<String, Long> after = SessionCounters.read(c);
            // One COM_STMT_BULK_EXECUTE carries all 1000 parameter sets; one COM_STMT_EXECUTE per row would not.
            if (countersSeeEveryCommand()) {
                assertThat(SessionCounters.delta(before, after, "com_stmt_execute")).as("executions for 1000 rows")
                    .isBetween(1L, 5L);
            }
            assertThat(queryLong(c, "SELECT COUNT(*) FROM " + t)).isEqualTo(1000);
            assertThat(queryString(c, "SELECT s FROM " + t + " WHERE id = 999")).isEqualTo("bulk 999");
        }
    }

    @Test
    void streamingFetchSurvivesAnInterleavedQuery() throws SQLException {
        try (Connection c = connect(Map.of())) {
            String t = createTable(c, "stream", "id INT PRIMARY KEY");
            execute(c, "INSERT INTO " + t + " SELECT seq FROM seq_1_to_1000");
            Map<String, Long> before = SessionCounters.read(c);
            long sum = 0;
            int count = 0;
            try (Statement s = c.createStatement()) {
                s.setFetchSize(10);
                try (ResultSet rs = s.executeQuery("SELECT id FROM " + t + " ORDER BY id")) {
                    while (rs.next()) {
                        count++;
                        sum += rs.getLong(1);
                        assertThat(rs.getLong(1)).isEqualTo(count);
                        if (count == 500) {
                            // The driver must read the rest of the streamed result before this query can run.
                            assertThat(queryLong(c, "SELECT COUNT(*) FROM " + t)).isEqualTo(1000);
                        }
                    }
                }
            }
            assertThat(count).isEqualTo(1000);
            assertThat(sum).isEqualTo(500_500);
            if (countersSeeEveryCommand()) {
                assertThat(SessionCounters.delta(before, SessionCounters.read(c), "com_stmt_fetch"))
                    .as("no server cursor is opened by this driver").isZero();
            }
        }
    }
}
