package io.gatehouse.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The plumbing under every JDBC client suite: opening connections to the {@link #endpoint()} with a driver's URL,
 * creating uniquely named schema objects and dropping them after each test; runs on the JUnit test thread, one
 * instance per test method, and owns only the JDBC connections it opens.
 *
 * <p>Every connection gets a connect timeout and a socket timeout so that a broken endpoint (a proxy that stops
 * answering) fails the test quickly instead of hanging the build.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class ConnectorSuiteSupport {
    /** Milliseconds a TCP connect plus handshake may take. */
    protected static final int CONNECT_TIMEOUT_MS = 10_000;
    /** Milliseconds a single read may block; generous for 20 MiB rows through a loaded proxy. */
    protected static final int SOCKET_TIMEOUT_MS = 120_000;

    private final List<String> dropStatements = new ArrayList<>();

    /** The server or proxy under test. */
    protected abstract Endpoint endpoint();

    /** The JDBC driver this suite exercises. */
    protected abstract Driver driver();

    /** The driver's URL prefix, e.g. {@code jdbc:mariadb://}. */
    protected abstract String urlScheme();

    /** Options every connection of this driver gets before the test's own (which win on conflict). */
    protected Map<String, String> baseOptions() {
        return Map.of();
    }

    /** The JDBC URL for {@code e} with {@code options} as query parameters; the account goes in properties. */
    protected String jdbcUrl(Endpoint e, Map<String, String> options) {
        String query = options.entrySet().stream()
                .map(o -> o.getKey() + "=" + URLEncoder.encode(o.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return urlScheme() + e.host() + ":" + e.port() + "/" + (e.database() == null ? "" : e.database())
                + (query.isEmpty() ? "" : "?" + query);
    }

    /** A new connection to {@link #endpoint()} with the given driver options. */
    protected Connection connect(Map<String, String> options) throws SQLException {
        return connect(endpoint(), options);
    }

    /** A new connection to {@code e} with the given driver options. */
    protected Connection connect(Endpoint e, Map<String, String> options) throws SQLException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MS));
        all.put("socketTimeout", Integer.toString(SOCKET_TIMEOUT_MS));
        all.putAll(baseOptions());
        all.putAll(options);
        Properties account = new Properties();
        account.setProperty("user", e.user());
        account.setProperty("password", e.password());
        String url = jdbcUrl(e, all);
        Connection c = driver().connect(url, account);
        if (c == null) {
            throw new SQLException("driver " + driver().getClass().getName() + " does not accept URL " + url);
        }
        return c;
    }

    /** Options merged left to right, later maps winning. */
    @SafeVarargs
    protected static Map<String, String> options(Map<String, String>... parts) {
        Map<String, String> all = new LinkedHashMap<>();
        for (Map<String, String> part : parts) {
            all.putAll(part);
        }
        return all;
    }

    /**
     * Creates an InnoDB utf8mb4 table with a unique name on {@code c} and schedules its drop after the test.
     *
     * @return the table's name
     */
    protected String createTable(Connection c, String prefix, String columns) throws SQLException {
        String name = Names.unique(prefix);
        execute(c, "CREATE TABLE " + name + " (" + columns + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        dropStatements.add("DROP TABLE IF EXISTS " + name);
        return name;
    }

    /** Schedules {@code dropStatement} to run after the test, on a fresh connection. */
    protected void dropAfterTest(String dropStatement) {
        dropStatements.add(dropStatement);
    }

    @AfterEach
    void dropCreatedObjects() throws SQLException {
        if (dropStatements.isEmpty()) {
            return;
        }
        try (Connection c = connect(Map.of())) {
            for (int i = dropStatements.size() - 1; i >= 0; i--) {
                execute(c, dropStatements.get(i));
            }
        } finally {
            dropStatements.clear();
        }
    }

    /** Runs each statement with a plain {@link Statement}. */
    protected static void execute(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    /** The first column of the single row {@code sql} returns, as a long ({@code 0} for SQL NULL). */
    protected static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from: " + sql);
            }
            return rs.getLong(1);
        }
    }

    /** The first column of the single row {@code sql} returns, as a string ({@code null} for SQL NULL). */
    protected static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from: " + sql);
            }
            return rs.getString(1);
        }
    }

    /**
     * True when one backend connection runs every command of the session, so the server's per-session counters
     * (SHOW SESSION STATUS) count them all. False through readwritesplit, where a session's commands are spread over
     * several backend connections and each sees only its share.
     */
    protected boolean countersSeeEveryCommand() {
        return true;
    }
}
