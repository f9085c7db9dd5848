package io.gatehouse.tests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.LenEnc;
import io.gatehouse.protocol.OkPacket;
import io.gatehouse.protocol.StatusFlags;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A listener's {@code connection_metadata} and {@code redirect_url}, read off the wire: a client that announces
 * session tracking finds the listed variables as system-variable changes in the OK packet that ends its login, with
 * {@code auto} values equal to the primary's own, the proxy's version for {@code maxscale=auto}, its connection id
 * and the service's session count; a configured list replaces the default one and {@code redirect_url} is added; a
 * client without session tracking gets a plain OK; Connector/J logs in and works. Own Gatehouse on the shared
 * cluster; raw protocol clients and Connector/J on the test thread (the test decodes heap copies of the packets).
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionMetadataTest {
    private static final int SESSION_TRACK = (int) Capabilities.SESSION_TRACK;

    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    ConnectionMetadataTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-metadata");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, GatehouseExtension.config(cluster, dir)
                + "[Listed-Listener]\ntype=listener\nservice=Write-Service\naddress=127.0.0.1\nport=0\n"
                + "connection_metadata=service_name=my-service, max_allowed_packet=auto, no_such_variable=auto\n"
                + "redirect_url=mariadb://elsewhere.example:3310\n\n"
                + "[Redirect-Listener]\ntype=listener\nservice=Write-Service\naddress=127.0.0.1\nport=0\n"
                + "redirect_url=mariadb://127.0.0.1:" + cluster.replicas().get(0).port() + "\n\n");
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    /** The system variables the login OK of a session-tracking client on {@code listener} carries, in order. */
    private Map<String, String> metadata(String listener, long[] connectionId) throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", gatehouse.port(listener), new byte[0])) {
            assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD, SESSION_TRACK)).isNull();
            connectionId[0] = s.connectionId();
            OkPacket ok = OkPacket.decode(Unpooled.wrappedBuffer(s.lastOk()), Capabilities.SESSION_TRACK);
            assertThat(ok.status() & StatusFlags.SESSION_STATE_CHANGED).isNotZero();
            assertThat(s.scalar("SELECT 'works'")).as("the session after the rewritten OK").isEqualTo("works");
            return variables(ok.sessionStateInfo());
        }
    }

    private static Map<String, String> variables(byte[] info) {
        Map<String, String> m = new LinkedHashMap<>();
        ByteBuf b = Unpooled.wrappedBuffer(info);
        while (b.isReadable()) {
            int type = b.readUnsignedByte();
            byte[] data = LenEnc.readBytes(b);
            if (type == 0) {
                ByteBuf d = Unpooled.wrappedBuffer(data);
                m.put(LenEnc.readString(d, UTF_8), LenEnc.readString(d, UTF_8));
            }
        }
        return m;
    }

    @Test
    void theDefaultListSendsTheServersValuesTheVersionAndTheSession() throws Exception {
        long[] id = new long[1];
        Map<String, String> vars = metadata("Write-Listener", id);
        assertThat(vars).containsKeys("character_set_client", "character_set_connection", "character_set_results",
                "max_allowed_packet", "system_time_zone", "time_zone", "tx_isolation", "maxscale",
                "threads_connected", "connection_id");
        assertThat(vars.get("max_allowed_packet"))
                .isEqualTo(cluster.primary().queryValue("SELECT @@GLOBAL.max_allowed_packet"));
        assertThat(vars.get("tx_isolation")).isEqualTo(cluster.primary().queryValue("SELECT @@GLOBAL.tx_isolation"));
        assertThat(vars.get("time_zone")).isEqualTo(cluster.primary().queryValue("SELECT @@GLOBAL.time_zone"));
        assertThat(vars.get("connection_id")).isEqualTo(Long.toString(id[0]));
        assertThat(Long.parseLong(vars.get("threads_connected"))).isGreaterThanOrEqualTo(1);
        assertThat(vars.get("maxscale")).isNotBlank();
        assertThat(vars).doesNotContainKey("redirect_url");
    }

    @Test
    void aConfiguredListReplacesTheDefaultAndRedirectUrlIsAdded() throws Exception {
        Map<String, String> vars = metadata("Listed-Listener", new long[1]);
        assertThat(vars.keySet()).containsExactly("service_name", "max_allowed_packet", "redirect_url",
                "threads_connected", "connection_id");
        assertThat(vars.get("service_name")).isEqualTo("my-service");
        assertThat(vars.get("redirect_url")).isEqualTo("mariadb://elsewhere.example:3310");
    }

    @Test
    void aClientWithoutSessionTrackingGetsAPlainOk() throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", gatehouse.port("Listed-Listener"), new byte[0])) {
            assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
            OkPacket ok = OkPacket.decode(Unpooled.wrappedBuffer(s.lastOk()), 0);
            assertThat(ok.status() & StatusFlags.SESSION_STATE_CHANGED).isZero();
            assertThat(new String(s.lastOk(), UTF_8)).doesNotContain("elsewhere.example");
            assertThat(s.scalar("SELECT 'works'")).isEqualTo("works");
        }
    }

    private static int serverId(int port, String options) throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/" + Accounts.DATABASE + "?socketTimeout=30000" + options;
        try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
             ResultSet rs = c.createStatement().executeQuery("SELECT @@server_id")) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }

    @Test
    void connectorJFollowsTheRedirectionOnlyWhenAllowed() throws Exception {
        int primary = Integer.parseInt(cluster.primary().queryValue("SELECT @@server_id"));
        int replica = Integer.parseInt(cluster.replicas().get(0).queryValue("SELECT @@server_id"));
        assertThat(serverId(gatehouse.port("Write-Listener"), "")).isEqualTo(primary);
        // This Connector/J needs permitRedirect spelled out once a redirect_url arrives (it fails on a null default).
        assertThat(serverId(gatehouse.port("Redirect-Listener"), "&permitRedirect=false")).isEqualTo(primary);
        assertThat(serverId(gatehouse.port("Redirect-Listener"), "&permitRedirect=true"))
                .as("Connector/J went where redirect_url points: the replica, directly").isEqualTo(replica);
    }

    @Test
    void aRedirectUrlThatIsNoDatabaseUrlStopsTheStart() throws Exception {
        Path bad = dir.resolve("bad.cnf");
        Files.writeString(bad, GatehouseExtension.config(cluster, dir.resolve("bad"))
                + "[Bad-Listener]\ntype=listener\nservice=Write-Service\naddress=127.0.0.1\nport=0\n"
                + "redirect_url=http://elsewhere.example\n\n");
        assertThatThrownBy(() -> Gatehouse.start(bad).close()).hasMessageContaining("[Bad-Listener] redirect_url")
                .hasMessageContaining("http://elsewhere.example");
    }
}
