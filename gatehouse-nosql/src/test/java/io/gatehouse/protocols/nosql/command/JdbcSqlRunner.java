package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.sql.SqlResult;
import io.gatehouse.protocols.nosql.sql.SqlRunner;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A {@link SqlRunner} over one JDBC connection, for tests of the translation against a real server; blocking. */
final class JdbcSqlRunner implements SqlRunner {
    private final Connection connection;
    final List<String> statements = new ArrayList<>();

    JdbcSqlRunner(Connection connection) {
        this.connection = connection;
    }

    @Override
    public CompletableFuture<SqlResult> run(String sql) {
        statements.add(sql);
        try (Statement st = connection.createStatement()) {
            if (st.execute(sql)) {
                List<List<String>> rows = new ArrayList<>();
                try (ResultSet rs = st.getResultSet()) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        List<String> row = new ArrayList<>(n);
                        for (int i = 1; i <= n; i++) {
                            row.add(rs.getString(i));
                        }
                        rows.add(row);
                    }
                }
                return CompletableFuture.completedFuture(SqlResult.rows(rows));
            }
            return CompletableFuture.completedFuture(SqlResult.ok(st.getUpdateCount()));
        } catch (SQLException e) {
            return CompletableFuture.completedFuture(SqlResult.error(e.getErrorCode(), String.valueOf(e.getSQLState()), e.getMessage()));
        }
    }
}
