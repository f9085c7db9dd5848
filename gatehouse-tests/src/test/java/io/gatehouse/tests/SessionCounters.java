package io.gatehouse.tests;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the server's per-session command counters ({@code Com_stmt_prepare}, {@code Com_stmt_fetch}, ...) so a test
 * can prove which protocol commands a driver really sent rather than trusting its options; runs on the test thread
 * with the caller's connection, holds no resources.
 *
 * <p>Through a proxy the counters are those of the backend connection serving the client session, which for a
 * connection-based router is the one the client's commands went to.
 */
final class SessionCounters {
    private SessionCounters() {
    }

    /** The current value of every {@code Com_*} session counter, keyed by lower-case name. */
    static Map<String, Long> read(Connection c) throws SQLException {
        Map<String, Long> counters = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Com\\_%'")) {
            while (rs.next()) {
                counters.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), Long.parseLong(rs.getString(2)));
            }
        }
        return counters;
    }

    /** How much {@code counter} grew between two readings. */
    static long delta(Map<String, Long> before, Map<String, Long> after, String counter) {
        Long a = after.get(counter);
        if (a == null) {
            throw new IllegalArgumentException("no session counter named " + counter + " (have: " + after.keySet() + ")");
        }
        return a - before.getOrDefault(counter, 0L);
    }
}
