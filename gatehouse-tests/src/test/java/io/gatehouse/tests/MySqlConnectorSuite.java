package io.gatehouse.tests;

import com.mysql.cj.jdbc.JdbcConnection;
import io.gatehouse.testkit.Accounts;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link ConnectorSuite} for MySQL Connector/J plus what only that driver does (COM_CHANGE_USER, server-side
 * cursors with COM_STMT_FETCH); runs on the JUnit test thread and owns only its connections.
 *
 * <p>TLS is disabled so the handshake is the same with and without a proxy in between.
 */
public abstract class MySqlConnectorSuite extends ConnectorSuite {
    private static final Driver DRIVER = newDriver();

    private static Driver newDriver() {
        try {
            return new com.mysql.cj.jdbc.Driver();
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    protected Driver driver() {
        return DRIVER;
    }

    @Override
    protected String urlScheme() {
        return "jdbc:mysql://";
    }

    @Override
    protected Map<String, String> baseOptions() {
        return Map.of("sslMode", "DISABLED");
    }

    @Override
    protected Map<String, String> serverPrepOptions() {
        return Map.of("useServerPrepStmts", "true", "cachePrepStmts", "true");
    }

    @Override
    protected Map<String, String> localInfileOptions() {
        return Map.of("allowLoadLocalInfile", "true");
    }

    @Override
    protected Map<String, Map<String, String>> batchModes() {
        Map<String, Map<String, String>> modes = new LinkedHashMap<>();
        modes.put("client-prepared", Map.of("rewriteBatchedStatements", "false"));
        modes.put("rewriteBatchedStatements", Map.of("rewriteBatchedStatements", "true"));
        modes.put("server-prepared", options(serverPrepOptions(), Map.of("rewriteBatchedStatements", "false")));
        modes.put("server-prepared, rewriteBatchedStatements",
                options(serverPrepOptions(), Map.of("rewriteBatchedStatements", "true")));
        return modes;
    }

    @Override
    protected int streamingFetchSize() {
        // Connector/J's row-by-row streaming switch.
        return Integer.MIN_VALUE;
    }

    @Override
    protected Map<String, String> resetOptions() {
        return Map.of();
    }

    @Override
    protected void resetSession(Connection c) throws SQLException {
        // resetServerState() sends COM_RESET_CONNECTION, then restores the driver's session settings.
        c.unwrap(JdbcConnection.class).resetServerState();
    }

    /**
     * A second account for change user, with a database it may use; the testkit's service account can read
     * {@code mysql}, which the application account can read too.
     */
    protected Endpoint secondAccount() {
        return endpoint().withAccount(Accounts.SERVICE_USER, Accounts.SERVICE_PASSWORD).withDatabase("mysql");
    }

    @Test
    void changeUserToTheSameAccountResetsTheSession() throws SQLException {
        try (Connection c = connect(Map.of())) {
            execute(c, "SET @gh_marker = 7");
            c.unwrap(JdbcConnection.class).changeUser(endpoint().user(), endpoint().password());
            assertThat(queryString(c, "SELECT CURRENT_USER()")).startsWith(endpoint().user() + "@");
            assertThat(queryString(c, "SELECT @gh_marker")).isNull();
            assertThat(queryString(c, "SELECT DATABASE()")).isEqualTo(endpoint().database());
        }
    }

    @Test
    void changeUserSwitchesAccountsBothWays() throws SQLException {
        Endpoint other = secondAccount();
        try (Connection c = connect(Map.of())) {
            c.setCatalog(other.database());
            c.unwrap(JdbcConnection.class).changeUser(other.user(), other.password());
            assertThat(queryString(c, "SELECT CURRENT_USER()")).startsWith(other.user() + "@");
            assertThat(queryString(c, "SELECT DATABASE()")).isEqualTo(other.database());

            c.unwrap(JdbcConnection.class).changeUser(endpoint().user(), endpoint().password());
            assertThat(queryString(c, "SELECT CURRENT_USER()")).startsWith(endpoint().user() + "@");
            c.setCatalog(endpoint().database());
            assertThat(queryString(c, "SELECT DATABASE()")).isEqualTo(endpoint().database());
        }
    }

    @Test
    void changeUserWithAWrongPasswordIsRefused() throws SQLException {
        try (Connection c = connect(Map.of())) {
            assertThatThrownBy(() -> c.unwrap(JdbcConnection.class).changeUser(endpoint().user(), "wrong-password"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1045);
                        assertThat(e.getSQLState()).isEqualTo("28000");
                    });
        }
        try (Connection c = connect(Map.of())) {
            assertThat(queryLong(c, "SELECT 1")).isEqualTo(1);
        }
    }

    @Test
    void cursorFetchReadsInChunksWithComStmtFetch() throws SQLException {
        try (Connection c = connect(Map.of("useCursorFetch", "true"))) {
            String t = createTable(c, "cursor", "id INT PRIMARY KEY, s VARCHAR(20)");
            execute(c, "INSERT INTO " + t + " SELECT seq, CONCAT('row ', seq) FROM seq_1_to_1000");
            Map<String, Long> before = SessionCounters.read(c);
            long sum = 0;
            int count = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, s FROM " + t + " WHERE id > ? ORDER BY id")) {
                ps.setFetchSize(10);
                ps.setInt(1, 0);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        count++;
                        sum += rs.getLong(1);
                        assertThat(rs.getString(2)).isEqualTo("row " + count);
                    }
                }
            }
            assertThat(count).isEqualTo(1000);
            assertThat(sum).isEqualTo(500_500);
            if (countersSeeEveryCommand()) {
                assertThat(SessionCounters.delta(before, SessionCounters.read(c), "com_stmt_fetch"))
                    .as("COM_STMT_FETCH round trips of 10 rows").isGreaterThanOrEqualTo(100L);
            }
        }
    }
}
