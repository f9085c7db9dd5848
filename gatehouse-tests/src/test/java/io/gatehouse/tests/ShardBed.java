package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the schemarouter tests share, whether its shards are servers or services: the two shards' data (db1 with
 * table t on the first, db2 with table t2 on the second, each with a row naming its shard) and Connector/J reads.
 * Used on the JUnit test thread; the clients own no Netty buffers.
 */
final class ShardBed {
    private ShardBed() {
    }

    /**
     * Creates db1.t (row 1 'on-a') on {@code first} and db2.t2 (row 1 'on-b') on {@code second}, dropping database
     * test there: every testkit server has it, and on both shards it would be a duplicate, as in MaxScale.
     */
    static void fill(MariaDbServer first, MariaDbServer second) throws Exception {
        first.execute("CREATE DATABASE db1; CREATE TABLE db1.t (id INT PRIMARY KEY, v VARCHAR(20));"
                + "INSERT INTO db1.t VALUES (1, 'on-a')");
        second.execute("DROP DATABASE test; CREATE DATABASE db2;"
                + " CREATE TABLE db2.t2 (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO db2.t2 VALUES (1, 'on-b')");
    }

    /** A Connector/J connection of the application user to {@code port}, in {@code db} ("" for none). */
    static Connection connect(int port, String db) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + db
                + "?connectTimeout=10000&socketTimeout=20000", Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    /** Every row of {@code sql}'s result, each column as a string. */
    static List<List<String>> rows(Statement st, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** The first column of {@code sql}'s first row; the result must not be empty. */
    static String scalar(Statement st, String sql) throws SQLException {
        List<List<String>> r = rows(st, sql);
        assertThat(r).as(sql).isNotEmpty();
        return r.get(0).get(0);
    }
}
