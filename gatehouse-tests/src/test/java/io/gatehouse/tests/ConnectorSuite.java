package io.gatehouse.tests;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatList;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The assertions every JDBC driver must pass against any {@link Endpoint}, directly against a server and through
 * Gatehouse alike: text and binary protocol, batches, large packets, multiple result sets, LOAD DATA LOCAL INFILE,
 * connection reset, transactions, errors and big result sets; runs on the JUnit test thread and owns only the
 * connections each test opens.
 *
 * <p>A driver subclass supplies the URL options that switch its features on; a concrete subclass supplies the
 * endpoint. Each test creates its own uniquely named tables, so suites may share a server and run in any order.
 */
public abstract class ConnectorSuite extends ConnectorSuiteSupport {
    private static final String EMOJI_TEXT = "h\u00e9llo w\u00f6rld \uD83D\uDE00\uD83D\uDC4D";
    private static final int BLOB_BYTES = 20 * 1024 * 1024;

    /** Options that make {@link PreparedStatement} use COM_STMT_PREPARE/EXECUTE. */
    protected abstract Map<String, String> serverPrepOptions();

    /** Options that allow LOAD DATA LOCAL INFILE. */
    protected abstract Map<String, String> localInfileOptions();

    /** Named option sets under which batches must behave the same (plain, rewritten, server-prepared, bulk...). */
    protected abstract Map<String, Map<String, String>> batchModes();

    /** The fetch size that makes this driver stream a result set instead of reading it whole. */
    protected abstract int streamingFetchSize();

    /** Options needed for {@link #resetSession} to send COM_RESET_CONNECTION. */
    protected abstract Map<String, String> resetOptions();

    /** Asks the server to reset the session through the driver's own API (COM_RESET_CONNECTION). */
    protected abstract void resetSession(Connection c) throws SQLException;

    @Test
    void textQueryDecodesCommonTypes() throws SQLException {
        try (Connection c = connect(Map.of()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 42, CAST(-9223372036854775808 AS SIGNED),"
                     + " CAST(18446744073709551615 AS UNSIGNED), CAST(12345.6789 AS DECIMAL(10,4)), 1.5e300,"
                     + " '" + EMOJI_TEXT + "', DATE '2024-02-29', TIMESTAMP '2024-02-29 13:14:15.123456', NULL,"
                     + " X'00FF7F'")) {
            assertThat(rs.getMetaData().getColumnCount()).isEqualTo(10);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
            assertThat(rs.getLong(2)).isEqualTo(Long.MIN_VALUE);
            assertThat(rs.getBigDecimal(3)).isEqualTo(new BigDecimal("18446744073709551615"));
            assertThat(rs.getBigDecimal(4)).isEqualTo(new BigDecimal("12345.6789"));
            assertThat(rs.getDouble(5)).isEqualTo(1.5e300);
            assertThat(rs.getString(6)).isEqualTo(EMOJI_TEXT);
            assertThat(rs.getObject(7, LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
            assertThat(rs.getObject(8, LocalDateTime.class))
                    .isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_456_000));
            assertThat(rs.getString(9)).isNull();
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getBytes(10)).containsExactly(0x00, 0xFF, 0x7F);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void textDmlReportsAffectedRowsAndGeneratedKeys() throws SQLException {
        try (Connection c = connect(Map.of()); Statement s = c.createStatement()) {
            String t = createTable(c, "dml", "id INT AUTO_INCREMENT PRIMARY KEY, i INT, s VARCHAR(100)");
            assertThat(s.executeUpdate("INSERT INTO " + t + " (i, s) VALUES (1, 'a')", Statement.RETURN_GENERATED_KEYS))
                    .isEqualTo(1);
            assertThat(firstGeneratedKey(s)).isEqualTo(1);
            int inserted = s.executeUpdate("INSERT INTO " + t + " (i, s) VALUES (2, '" + EMOJI_TEXT + "'), (3, NULL)",
                    Statement.RETURN_GENERATED_KEYS);
            assertThat(inserted).isEqualTo(2);
            // The OK packet carries the first id of a multi-row insert; MariaDB Connector/J reports only that one.
            assertThat(firstGeneratedKey(s)).isEqualTo(2);
            assertThat(s.executeUpdate("UPDATE " + t + " SET i = i * 10 WHERE id >= 2")).isEqualTo(2);
            // Both drivers ask for CLIENT_FOUND_ROWS by default: a matched but unchanged row still counts.
            assertThat(s.executeUpdate("UPDATE " + t + " SET i = 10 WHERE id = 1")).isEqualTo(1);
            assertThat(s.executeUpdate("UPDATE " + t + " SET i = 10 WHERE id = 1")).isEqualTo(1);
            assertThat(s.executeUpdate("DELETE FROM " + t + " WHERE id = 3")).isEqualTo(1);
            assertThat(s.executeUpdate("DELETE FROM " + t + " WHERE id = 99")).isZero();
            try (ResultSet rs = s.executeQuery("SELECT id, i, s FROM " + t + " ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(2)).isEqualTo(10);
                assertThat(rs.getString(3)).isEqualTo("a");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(2)).isEqualTo(20);
                assertThat(rs.getString(3)).isEqualTo(EMOJI_TEXT);
                assertThat(rs.next()).isFalse();
            }
        }
    }

    private static long firstGeneratedKey(Statement s) throws SQLException {
        try (ResultSet rs = s.getGeneratedKeys()) {
            assertThat(rs.next()).as("a generated key").isTrue();
            return rs.getLong(1);
        }
    }

    @Test
    void serverPreparedStatementsReExecuteWithParametersOfSeveralTypes() throws SQLException {
        try (Connection c = connect(serverPrepOptions())) {
            String t = createTable(c, "ps", "id INT PRIMARY KEY, big BIGINT, d DECIMAL(12,3), f DOUBLE,"
                    + " s VARCHAR(100), dt DATE, ts DATETIME(6), b VARBINARY(16), n VARCHAR(10) NULL");
            Map<String, Long> before = SessionCounters.read(c);
            String insertSql = "INSERT INTO " + t + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
            try (PreparedStatement insert = c.prepareStatement(insertSql)) {
                for (int id = 1; id <= 50; id++) {
                    insert.setInt(1, id);
                    insert.setLong(2, Long.MAX_VALUE - id);
                    insert.setBigDecimal(3, new BigDecimal(id + ".125"));
                    insert.setDouble(4, id / 4.0);
                    insert.setString(5, EMOJI_TEXT + id);
                    insert.setObject(6, LocalDate.of(2024, 1, 1).plusDays(id));
                    // Whole seconds: MySQL Connector/J drops the fraction of temporal parameters it sends to MariaDB
                    // 10.x, whose handshake version starts with the "5.5.5-" compatibility prefix.
                    insert.setObject(7, LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(id));
                    insert.setBytes(8, new byte[] {(byte) id, 0, (byte) 0xFF});
                    if (id % 2 == 0) {
                        insert.setNull(9, Types.VARCHAR);
                    } else {
                        insert.setString(9, "odd" + id);
                    }
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
            }
            String selectSql = "SELECT big, d, f, s, dt, ts + INTERVAL id MICROSECOND, b, n FROM " + t + " WHERE id = ?";
            try (PreparedStatement select = c.prepareStatement(selectSql)) {
                for (int id = 1; id <= 50; id++) {
                    select.setInt(1, id);
                    try (ResultSet rs = select.executeQuery()) {
                        assertThat(rs.next()).as("row %d", id).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(Long.MAX_VALUE - id);
                        assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(id + ".125");
                        assertThat(rs.getDouble(3)).isEqualTo(id / 4.0);
                        assertThat(rs.getString(4)).isEqualTo(EMOJI_TEXT + id);
                        assertThat(rs.getObject(5, LocalDate.class)).isEqualTo(LocalDate.of(2024, 1, 1).plusDays(id));
                        assertThat(rs.getObject(6, LocalDateTime.class))
                                .isEqualTo(LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(id).plusNanos(id * 1000L));
                        assertThat(rs.getBytes(7)).containsExactly(id, 0, 0xFF);
                        assertThat(rs.getString(8)).isEqualTo(id % 2 == 0 ? null : "odd" + id);
                        assertThat(rs.next()).isFalse();
                    }
                }
            }
            Map<String, Long> after = SessionCounters.read(c);
            if (countersSeeEveryCommand()) {
                assertThat(SessionCounters.delta(before, after, "com_stmt_prepare")).as("COM_STMT_PREPARE sent")
                    .isBetween(2L, 4L);
            }
            if (countersSeeEveryCommand()) {
                assertThat(SessionCounters.delta(before, after, "com_stmt_execute")).as("COM_STMT_EXECUTE sent")
                    .isGreaterThanOrEqualTo(100L);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> batchesInsertAndUpdateEveryRow() {
        return batchModes().entrySet().stream().map(mode -> DynamicTest.dynamicTest(mode.getKey(), () -> {
            try (Connection c = connect(mode.getValue())) {
                String t = createTable(c, "batch", "id INT PRIMARY KEY, v INT, s VARCHAR(50)");
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + t + " (id, v, s) VALUES (?, ?, ?)")) {
                    for (int id = 1; id <= 500; id++) {
                        insert.setInt(1, id);
                        insert.setInt(2, id * 2);
                        insert.setString(3, "row " + id);
                        insert.addBatch();
                    }
                    int[] counts = insert.executeBatch();
                    assertThat(counts).hasSize(500);
                    assertThat(Arrays.stream(counts).boxed().toList()).allMatch(ConnectorSuite::isOneRowOrNoInfo);
                }
                try (Statement s = c.createStatement()) {
                    for (int id = 1; id <= 10; id++) {
                        s.addBatch("UPDATE " + t + " SET v = 0 WHERE id = " + id);
                    }
                    s.addBatch("DELETE FROM " + t + " WHERE id > 400");
                    int[] counts = s.executeBatch();
                    assertThat(counts).hasSize(11);
                    assertThat(Arrays.stream(counts, 0, 10).boxed().toList()).allMatch(ConnectorSuite::isOneRowOrNoInfo);
                    assertThat(counts[10]).isIn(100, Statement.SUCCESS_NO_INFO);
                }
                assertThat(queryLong(c, "SELECT COUNT(*) FROM " + t)).isEqualTo(400);
                // sum(2*id) for 11..400
                assertThat(queryLong(c, "SELECT SUM(v) FROM " + t)).isEqualTo(2L * (400 * 401 / 2 - 55));
                assertThat(queryString(c, "SELECT s FROM " + t + " WHERE id = 400")).isEqualTo("row 400");
            }
        }));
    }

    /** A batch update count for one row: 1, or "succeeded, count unknown" for rewritten and bulk batches. */
    private static boolean isOneRowOrNoInfo(int count) {
        return count == 1 || count == Statement.SUCCESS_NO_INFO;
    }

    @TestFactory
    Stream<DynamicTest> blobOf20MiBRoundTrips() {
        return Stream.of(
                DynamicTest.dynamicTest("client-prepared setBytes", () -> blobRoundTrip(Map.of(), false)),
                DynamicTest.dynamicTest("server-prepared setBytes", () -> blobRoundTrip(serverPrepOptions(), false)),
                DynamicTest.dynamicTest("server-prepared setBinaryStream (COM_STMT_SEND_LONG_DATA)",
                        () -> blobRoundTrip(serverPrepOptions(), true)));
    }

    private void blobRoundTrip(Map<String, String> options, boolean asStream) throws SQLException {
        byte[] blob = new byte[BLOB_BYTES];
        new Random(BLOB_BYTES).nextBytes(blob);
        try (Connection c = connect(options)) {
            String t = createTable(c, "blob", "id INT PRIMARY KEY, b LONGBLOB");
            Map<String, Long> before = SessionCounters.read(c);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + t + " (id, b) VALUES (?, ?)")) {
                insert.setInt(1, 1);
                if (asStream) {
                    insert.setBinaryStream(2, new ByteArrayInputStream(blob), blob.length);
                } else {
                    insert.setBytes(2, blob);
                }
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            if (asStream) {
                if (countersSeeEveryCommand()) {
                assertThat(SessionCounters.delta(before, SessionCounters.read(c), "com_stmt_send_long_data"))
                        .as("COM_STMT_SEND_LONG_DATA sent").isPositive();
            }
            }
            try (PreparedStatement select = c.prepareStatement("SELECT b, LENGTH(b) FROM " + t + " WHERE id = ?")) {
                select.setInt(1, 1);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    byte[] read = rs.getBytes(1);
                    assertThat(rs.getLong(2)).isEqualTo(BLOB_BYTES);
                    assertThat(read.length).isEqualTo(BLOB_BYTES);
                    assertThat(Arrays.equals(read, blob)).as("20 MiB read back equals what was written").isTrue();
                }
            }
        }
    }

    @Test
    void multiStatementsReturnEveryResult() throws SQLException {
        try (Connection c = connect(Map.of("allowMultiQueries", "true")); Statement s = c.createStatement()) {
            String t = createTable(c, "multi", "id INT PRIMARY KEY, v INT DEFAULT 0");
            boolean first = s.execute("INSERT INTO " + t + " (id) VALUES (1), (2); SELECT COUNT(*) FROM " + t
                    + "; UPDATE " + t + " SET v = 7");
            assertThat(first).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(2);
            assertThat(s.getMoreResults()).isTrue();
            try (ResultSet rs = s.getResultSet()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(2);
            }
            assertThat(s.getMoreResults()).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(2);
            assertThat(s.getMoreResults()).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(-1);
            assertThat(queryLong(c, "SELECT SUM(v) FROM " + t)).isEqualTo(14);
        }
    }

    @Test
    void multiStatementErrorIsReportedAndConnectionStaysUsable() throws SQLException {
        String missing = Names.unique("missing");
        try (Connection c = connect(Map.of("allowMultiQueries", "true")); Statement s = c.createStatement()) {
            SQLException error = catchThrowableOfType(SQLException.class, () -> {
                s.execute("SELECT 1; SELECT * FROM " + missing + "; SELECT 3");
                while (s.getMoreResults() || s.getUpdateCount() != -1) {
                    // drain until the failing statement surfaces
                }
            });
            assertThat((Throwable) error).as("the second statement's error").isNotNull();
            assertThat(error.getErrorCode()).isEqualTo(1146);
            assertThat(queryLong(c, "SELECT 5")).isEqualTo(5);
        }
    }

    @Test
    void storedProcedureReturnsSeveralResultSetsAndOutParameter() throws SQLException {
        try (Connection c = connect(Map.of())) {
            String t = createTable(c, "proc", "id INT PRIMARY KEY, v INT");
            execute(c, "INSERT INTO " + t + " VALUES (1, 10), (2, 20), (3, 30)");
            String p = Names.unique("p");
            execute(c, "CREATE PROCEDURE " + p + "(IN lim INT, OUT total INT) BEGIN"
                    + " SELECT id, v FROM " + t + " WHERE id <= lim ORDER BY id;"
                    + " SELECT COUNT(*) AS c FROM " + t + ";"
                    + " SELECT SUM(v) INTO total FROM " + t + "; END");
            dropAfterTest("DROP PROCEDURE IF EXISTS " + p);

            try (CallableStatement call = c.prepareCall("{call " + p + "(?, ?)}")) {
                call.setInt(1, 2);
                call.registerOutParameter(2, Types.INTEGER);
                assertThat(call.execute()).isTrue();
                List<List<Long>> sets = readProcedureResults(call);
                assertThatList(sets).containsExactly(List.of(1L, 10L, 2L, 20L), List.of(3L));
                assertThat(call.getInt(2)).isEqualTo(60);
            }
            try (Statement s = c.createStatement()) {
                assertThat(s.execute("CALL " + p + "(3, @gh_total)")).isTrue();
                assertThatList(readProcedureResults(s))
                        .containsExactly(List.of(1L, 10L, 2L, 20L, 3L, 30L), List.of(3L));
                assertThat(queryLong(c, "SELECT @gh_total")).isEqualTo(60);
            }
        }
    }

    /** Every value of every result set left on {@code s}, flattened per set; stops at the final OK. */
    private static List<List<Long>> readProcedureResults(Statement s) throws SQLException {
        List<List<Long>> sets = new ArrayList<>();
        boolean isResultSet = true;
        while (true) {
            if (isResultSet) {
                List<Long> values = new ArrayList<>();
                try (ResultSet rs = s.getResultSet()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            values.add(rs.getLong(i));
                        }
                    }
                }
                sets.add(values);
            } else if (s.getUpdateCount() == -1) {
                return sets;
            }
            isResultSet = s.getMoreResults();
        }
    }

    @Test
    void loadDataLocalInfileLoadsEveryLine(@TempDir Path dir) throws SQLException, IOException {
        int lines = 50_000;
        Path file = dir.resolve("rows.csv");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 1; i <= lines; i++) {
                w.write(i + ",name " + i + " " + EMOJI_TEXT + "\n");
            }
        }
        try (Connection c = connect(localInfileOptions()); Statement s = c.createStatement()) {
            String t = createTable(c, "infile", "id INT PRIMARY KEY, name VARCHAR(100)");
            String path = file.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'");
            int loaded = s.executeUpdate("LOAD DATA LOCAL INFILE '" + path + "' INTO TABLE " + t
                    + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n' (id, name)");
            assertThat(loaded).isEqualTo(lines);
            assertThat(queryLong(c, "SELECT COUNT(*) FROM " + t)).isEqualTo(lines);
            assertThat(queryLong(c, "SELECT SUM(id) FROM " + t)).isEqualTo((long) lines * (lines + 1) / 2);
            assertThat(queryString(c, "SELECT name FROM " + t + " WHERE id = 777")).isEqualTo("name 777 " + EMOJI_TEXT);
        }
    }

    @Test
    void connectionResetClearsSessionStateAndKeepsDatabase() throws SQLException {
        try (Connection c = connect(resetOptions()); Connection observer = connect(Map.of())) {
            String t = createTable(c, "reset", "id INT PRIMARY KEY");
            String tmp = Names.unique("tmp");
            execute(c, "SET @gh_marker = 42", "CREATE TEMPORARY TABLE " + tmp + " (x INT)",
                    "INSERT INTO " + tmp + " VALUES (1)");
            c.setAutoCommit(false);
            execute(c, "INSERT INTO " + t + " VALUES (1)");
            assertThat(queryLong(c, "SELECT @gh_marker")).isEqualTo(42);

            resetSession(c);

            assertThat(queryString(c, "SELECT @gh_marker")).as("user variable after reset").isNull();
            assertThatThrownBy(() -> queryLong(c, "SELECT COUNT(*) FROM " + tmp))
                    .as("temporary table after reset").isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(1146));
            assertThat(queryLong(observer, "SELECT COUNT(*) FROM " + t)).as("uncommitted row after reset").isZero();
            assertThat(queryString(c, "SELECT DATABASE()")).isEqualTo(endpoint().database());
            c.setAutoCommit(true);
            execute(c, "INSERT INTO " + t + " VALUES (2)");
            assertThat(queryLong(observer, "SELECT COUNT(*) FROM " + t)).isEqualTo(1);
        }
    }

    @Test
    void transactionsCommitAndRollBack() throws SQLException {
        try (Connection writer = connect(Map.of()); Connection observer = connect(Map.of())) {
            String t = createTable(writer, "tx", "id INT PRIMARY KEY");
            writer.setAutoCommit(false);
            execute(writer, "INSERT INTO " + t + " VALUES (1)");
            assertThat(queryLong(writer, "SELECT COUNT(*) FROM " + t)).isEqualTo(1);
            assertThat(queryLong(observer, "SELECT COUNT(*) FROM " + t)).as("uncommitted, seen by another").isZero();
            writer.rollback();
            assertThat(queryLong(writer, "SELECT COUNT(*) FROM " + t)).isZero();

            execute(writer, "INSERT INTO " + t + " VALUES (2)");
            Savepoint savepoint = writer.setSavepoint("gh_sp");
            execute(writer, "INSERT INTO " + t + " VALUES (3)");
            writer.rollback(savepoint);
            writer.commit();
            assertThat(queryLong(observer, "SELECT GROUP_CONCAT(id ORDER BY id) FROM " + t)).isEqualTo(2);
            writer.setAutoCommit(true);
            execute(writer, "INSERT INTO " + t + " VALUES (4)");
            assertThat(queryLong(observer, "SELECT COUNT(*) FROM " + t)).isEqualTo(2);
        }
    }

    @Test
    void queryErrorsCarryCodeAndSqlStateAndConnectionStaysUsable() throws SQLException {
        String missing = Names.unique("missing");
        try (Connection c = connect(Map.of())) {
            String t = createTable(c, "err", "id INT PRIMARY KEY");
            execute(c, "INSERT INTO " + t + " VALUES (1)");
            assertSqlError(() -> queryLong(c, "SELECT COUNT(*) FROM " + missing), 1146, "42S02", missing);
            assertSqlError(() -> execute(c, "INSERT INTO " + t + " VALUES (1)"), 1062, "23000", "Duplicate entry");
            assertSqlError(() -> execute(c, "SELEC 1"), 1064, "42000", "SQL syntax");
            assertThat(queryLong(c, "SELECT COUNT(*) FROM " + t)).isEqualTo(1);
        }
        try (Connection c = connect(serverPrepOptions())) {
            assertSqlError(() -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + missing + " WHERE id = ?")) {
                    ps.setInt(1, 1);
                    ps.executeQuery().close();
                }
            }, 1146, "42S02", missing);
            try (PreparedStatement ps = c.prepareStatement("SELECT ? + 1")) {
                ps.setInt(1, 41);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(42);
                }
            }
        }
    }

    @Test
    void setCatalogSwitchesDatabaseAndUnknownDatabaseFails() throws SQLException {
        String unknown = Names.unique("nodb");
        try (Connection c = connect(Map.of())) {
            c.setCatalog("mysql");
            assertThat(queryString(c, "SELECT DATABASE()")).isEqualTo("mysql");
            assertSqlError(() -> c.setCatalog(unknown), 1049, "42000", unknown);
            c.setCatalog(endpoint().database());
            assertThat(queryString(c, "SELECT DATABASE()")).isEqualTo(endpoint().database());
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void largeResultSetStreamsEveryRow() throws SQLException {
        int rows = 100_000;
        try (Connection c = connect(Map.of())) {
            String t = createTable(c, "large", "id INT PRIMARY KEY, v INT, pad CHAR(40)");
            execute(c, "INSERT INTO " + t + " SELECT seq, seq % 97, REPEAT('x', 40) FROM seq_1_to_" + rows);
            long count = 0;
            long idSum = 0;
            long vSum = 0;
            try (Statement s = c.createStatement()) {
                s.setFetchSize(streamingFetchSize());
                try (ResultSet rs = s.executeQuery("SELECT id, v, pad FROM " + t)) {
                    while (rs.next()) {
                        count++;
                        idSum += rs.getLong(1);
                        vSum += rs.getLong(2);
                        if (rs.getString(3).length() != 40) {
                            throw new AssertionError("pad of row " + rs.getLong(1) + ": " + rs.getString(3));
                        }
                    }
                }
            }
            long expectedV = 0;
            for (int i = 1; i <= rows; i++) {
                expectedV += i % 97;
            }
            assertThat(count).isEqualTo(rows);
            assertThat(idSum).isEqualTo((long) rows * (rows + 1) / 2);
            assertThat(vSum).isEqualTo(expectedV);
            assertThat(queryLong(c, "SELECT 1")).isEqualTo(1);
        }
    }

    /** Something that should fail with a server error. */
    @FunctionalInterface
    protected interface SqlAction {
        void run() throws Exception;
    }

    /** Asserts {@code action} throws an {@link SQLException} with this code, SQLSTATE and message fragment. */
    protected static void assertSqlError(SqlAction action, int code, String sqlState, String messagePart) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getErrorCode()).as("error code of: %s", e.getMessage()).isEqualTo(code);
            assertThat(e.getSQLState()).as("SQLSTATE of: %s", e.getMessage()).isEqualTo(sqlState);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
