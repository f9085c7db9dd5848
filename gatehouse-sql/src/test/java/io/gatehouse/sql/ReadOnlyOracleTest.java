package io.gatehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server is the judge: on a real MariaDB with {@code read_only=ON}, as a user without READ_ONLY ADMIN or
 * SUPER, every statement rejected with error 1290 must have been classified as a write (never replica-safe).
 * Also reports how many statements classified as writes the server accepted anyway: the cost of caution.
 */
class ReadOnlyOracleTest {
    private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyOracleTest.class);
    private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

    private final Classifier classifier = new Classifier();

    @Test
    void everyStatementTheReadOnlyServerRejectsIsClassifiedAsAWrite() throws Exception {
        List<String> corpus = OracleCorpus.statements(MysqlTestFiles.root(), 2_000);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(2_000);
        try (MariaDbServer server = MariaDbServer.startStandalone()) {
            String rootUrl = "jdbc:mariadb://" + server.host() + ":" + server.port() + "/?user=" + Accounts.ROOT_USER
                    + "&password=" + Accounts.ROOT_PASSWORD;
            try (Connection root = DriverManager.getConnection(rootUrl); Statement st = root.createStatement()) {
                for (String ddl : OracleCorpus.SCHEMA) {
                    st.execute(ddl);
                }
            }
            String url = "jdbc:mariadb://" + server.host() + ":" + server.port() + "/" + OracleCorpus.DATABASE
                    + "?user=ro_app&password=ropwd&allowMultiQueries=true&socketTimeout=20000&connectTimeout=10000";
            Result result = run(url, corpus);
            LOG.info("oracle: {} statements, {} rejected as read-only (1290), {} other errors, {} accepted; "
                    + "{} classified as writes were accepted (cost of caution), {} violations",
                    corpus.size(), result.rejected, result.otherErrors, result.accepted, result.cautious.size(),
                    result.violations.size());
            LOG.info("cost of caution by operation: {}", result.cautiousByOperation);
            result.cautious.stream().limit(40).forEach(s -> LOG.info("accepted although classified write: {}", s));
            assertThat(result.violations).as("statements rejected with 1290 but not classified as writes")
                    .isEmpty();
            assertThat(result.rejected).as("the corpus must exercise the read-only check").isGreaterThan(500);
            // loose bound on the cost of caution: writes the server took anyway (temporary tables, stored
            // functions that only read, locking reads, GET_LOCK...) stay a small share of the corpus
            assertThat(result.cautious.size()).isLessThan(corpus.size() / 5);
        }
    }

    private static final class Result {
        int rejected;
        int otherErrors;
        int accepted;
        final List<String> violations = new ArrayList<>();
        final List<String> cautious = new ArrayList<>();
        final Map<Operation, Integer> cautiousByOperation = new HashMap<>();
    }

    private Result run(String url, List<String> corpus) throws SQLException {
        Result result = new Result();
        Connection conn = DriverManager.getConnection(url);
        try {
            for (String sql : corpus) {
                Classification c = classifier.classify(sql);
                int error = execute(conn, sql);
                if (error == ER_OPTION_PREVENTS_STATEMENT) {
                    result.rejected++;
                    if (!effectivelyWrite(c) || c.isReadOnlySafe()) {
                        result.violations.add(c.operation() + " " + QueryType.toString(c.typeMask()) + ": " + sql);
                    }
                } else if (error != 0) {
                    result.otherErrors++;
                } else {
                    result.accepted++;
                    if (c.isWrite()) {
                        result.cautious.add(sql);
                        result.cautiousByOperation.merge(c.operation(), 1, Integer::sum);
                    }
                }
                conn = resetSession(conn, url);
            }
        } finally {
            conn.close();
        }
        return result;
    }

    /** A write, or an EXECUTE of a statement prepared as a write earlier in the same packet. */
    private boolean effectivelyWrite(Classification c) {
        if (c.isWrite()) {
            return true;
        }
        Map<String, Classification> prepared = new HashMap<>();
        for (Classification s : c.statements()) {
            if (s.operation() == Operation.PREPARE && s.preparedSql() != null) {
                prepared.put(s.preparedName(), classifier.classify(s.preparedSql()));
            } else if (s.operation() == Operation.EXECUTE) {
                Classification target = prepared.get(s.preparedName());
                if (target == null || target.isWrite()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Runs one corpus entry, draining every result; returns the first error code or 0. */
    private static int execute(Connection conn, String sql) {
        try (Statement st = conn.createStatement()) {
            boolean hasResult = st.execute(sql);
            while (true) {
                if (!hasResult && st.getUpdateCount() == -1) {
                    return 0;
                }
                hasResult = st.getMoreResults();
            }
        } catch (SQLException e) {
            return e.getErrorCode() == 0 ? -1 : e.getErrorCode();
        }
    }

    /** Clears what the statement left in the session (transactions, variables, temporary tables, locks). */
    private static Connection resetSession(Connection conn, String url) throws SQLException {
        try {
            conn.unwrap(org.mariadb.jdbc.Connection.class).reset();
            try (Statement st = conn.createStatement()) {
                st.execute("USE " + OracleCorpus.DATABASE);
            }
            return conn;
        } catch (SQLException e) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // the old connection is gone either way
            }
            return DriverManager.getConnection(url);
        }
    }
}
