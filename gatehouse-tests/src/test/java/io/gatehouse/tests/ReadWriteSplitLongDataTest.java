package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Long data (COM_STMT_SEND_LONG_DATA) of a prepared read through readwritesplit with a primary and two replicas: the
 * drivers send a stream parameter as long data before the execution, and the execution of a read runs on one
 * replica. No other connection may keep that long data, or a later execution of the same statement there would
 * answer with the old stream instead of its own parameter. JUnit test thread; JDBC only, no Netty buffers.
 */
@ExtendWith(GatehouseExtension.class)
class ReadWriteSplitLongDataTest {
    private final GatehouseExtension.RunningGatehouse gh;
    private final Set<String> replicaIds;

    ReadWriteSplitLongDataTest(GatehouseExtension.RunningGatehouse gh) {
        this.gh = gh;
        this.replicaIds = gh.cluster().replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                .collect(Collectors.toSet());
    }

    @Test
    void mariadbConnectorNeverSeesStaleLongData() throws Exception {
        Endpoint e = gh.split();
        check("jdbc:mariadb://" + e.host() + ":" + e.port() + "/" + e.database()
                + "?useServerPrepStmts=true&connectTimeout=10000&socketTimeout=20000");
    }

    @Test
    void mysqlConnectorNeverSeesStaleLongData() throws Exception {
        Endpoint e = gh.split();
        check("jdbc:mysql://" + e.host() + ":" + e.port() + "/" + e.database()
                + "?useServerPrepStmts=true&sslMode=DISABLED&connectTimeout=10000&socketTimeout=20000");
    }

    /**
     * Alternates executions with a stream (long data) and with a plain string; reads rotate over both replicas, so
     * plain executions land on a replica that did not run the previous stream execution.
     */
    private void check(String url) throws Exception {
        Endpoint e = gh.split();
        int elsewhere = 0;
        try (Connection conn = DriverManager.getConnection(url, e.user(), e.password());
             PreparedStatement ps = conn.prepareStatement("SELECT CAST(? AS CHAR), @@server_id")) {
            for (int i = 0; i < 8; i++) {
                String streamed = "long-data-" + i;
                ps.setBinaryStream(1, new ByteArrayInputStream(streamed.getBytes(StandardCharsets.UTF_8)));
                String streamServer;
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(streamed);
                    streamServer = rs.getString(2);
                    assertThat(streamServer).isIn(replicaIds);
                }
                String plain = "plain-" + i;
                ps.setString(1, plain);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as("execution %d without long data on server %s", i, rs.getString(2))
                            .isEqualTo(plain);
                    if (!rs.getString(2).equals(streamServer)) {
                        elsewhere++;
                    }
                }
            }
        }
        // Plain executions ran on the replica the stream execution did not use, where stale long data would be.
        assertThat(elsewhere).isPositive();
    }
}
