package io.gatehouse.protocol.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.AuthSwitchRequest;
import io.gatehouse.protocol.Bufs;
import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.ChangeUserRequest;
import io.gatehouse.protocol.ColumnDefinition;
import io.gatehouse.protocol.ColumnTypes;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.ConnectAttributes;
import io.gatehouse.protocol.EofPacket;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.InitialHandshake;
import io.gatehouse.protocol.LenEnc;
import io.gatehouse.protocol.OkPacket;
import io.gatehouse.protocol.StatusFlags;
import io.gatehouse.protocol.TextRow;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Decodes packets captured from a real MariaDB server and checks that re-encoding the decoded values gives back the
 * server's bytes exactly; the requests the codec encodes are judged by the server accepting them.
 */
@ExtendWith(MariaDbExtension.class)
class CapturedPacketsTest {
    private static final long WANTED = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION
            | Capabilities.PLUGIN_AUTH | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CONNECT_WITH_DB
            | Capabilities.CONNECT_ATTRS | Capabilities.SESSION_TRACK | Capabilities.MULTI_RESULTS
            | Capabilities.TRANSACTIONS | Capabilities.LONG_FLAG | Capabilities.MARIADB_CLIENT_EXTENDED_METADATA;

    private static PacketChannel open(MariaDbServer server) throws IOException {
        Duration t = Duration.ofSeconds(10);
        PacketChannel ch = PacketChannel.connect(new InetSocketAddress(server.host(), server.port()), null, t, t, t);
        ch.sequence(0);
        return ch;
    }

    /** Reads one payload as bytes (the buffer is released). */
    private static byte[] read(PacketChannel ch) throws IOException {
        return Bufs.drain(ch.readPayload());
    }

    private static InitialHandshake greeting(PacketChannel ch) throws IOException {
        byte[] wire = read(ch);
        InitialHandshake g = Bufs.decode(wire, InitialHandshake::decode);
        assertThat(Bufs.bytes(g::encode)).as("re-encoded greeting").isEqualTo(wire);
        return g;
    }

    private static void send(PacketChannel ch, byte[] payload) throws IOException {
        ch.writePayload(payload);
    }

    private static void command(PacketChannel ch, int cmd, String arg) throws IOException {
        ch.sequence(0);
        byte[] text = arg.getBytes(UTF_8);
        byte[] p = new byte[text.length + 1];
        p[0] = (byte) cmd;
        System.arraycopy(text, 0, p, 1, text.length);
        ch.writePayload(p);
    }

    private static long login(PacketChannel ch, InitialHandshake g) throws IOException {
        long caps = WANTED & g.capabilities();
        HandshakeResponse resp = new HandshakeResponse(caps, 1 << 24, 45, Accounts.APP_USER,
                NativePassword.scramble(Accounts.APP_PASSWORD.getBytes(UTF_8), g.nonce()), Accounts.DATABASE,
                NativePassword.PLUGIN, ConnectAttributes.encode(Map.of("_client_name", "capture")));
        send(ch, Bufs.bytes(resp::encode));
        byte[] ok = read(ch);
        OkPacket decoded = Bufs.decode(ok, (ByteBuf b) -> OkPacket.decode(b, caps));
        assertThat(decoded.status() & StatusFlags.AUTOCOMMIT).isNotZero();
        assertThat(Bufs.bytes((ByteBuf b) -> decoded.encode(b, caps))).as("re-encoded login OK").isEqualTo(ok);
        return caps;
    }

    @Test
    void greetingOfARealServer(MariaDbServer server) throws Exception {
        try (PacketChannel ch = open(server)) {
            InitialHandshake g = greeting(ch);
            assertThat(g.protocolVersion()).isEqualTo(10);
            assertThat(g.serverVersion()).contains("MariaDB");
            assertThat(g.nonce()).hasSize(20).doesNotContain((byte) 0);
            assertThat(g.authPluginName()).isEqualTo("mysql_native_password");
            assertThat(g.capabilities() & Capabilities.CLIENT_MYSQL).as("MariaDB clears CLIENT_MYSQL").isZero();
            assertThat(g.capabilities() & Capabilities.MARIADB_CLIENT_EXTENDED_METADATA).isNotZero();
            assertThat(g.capabilities() & Capabilities.PROTOCOL_41).isNotZero();
        }
    }

    @Test
    void resultSetPacketsWithExtendedMetadata(MariaDbServer server) throws Exception {
        try (PacketChannel ch = open(server)) {
            long caps = login(ch, greeting(ch));
            command(ch, Commands.COM_QUERY, "SELECT 1 AS a, NULL AS b, JSON_OBJECT('k', 1) AS j, "
                    + "CAST(1 AS DECIMAL(5,2)) AS d, CAST('::1' AS INET6) AS ip");
            byte[] count = read(ch);
            assertThat(Bufs.decode(count, (ByteBuf b) -> LenEnc.readInt(b.duplicate()))).isEqualTo(5);
            List<ColumnDefinition> cols = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] wire = read(ch);
                ColumnDefinition c = Bufs.decode(wire, (ByteBuf b) -> ColumnDefinition.decode(b, caps));
                assertThat(Bufs.bytes((ByteBuf b) -> c.encode(b, caps))).as("re-encoded %s", c).isEqualTo(wire);
                cols.add(c);
            }
            assertThat(cols).extracting(ColumnDefinition::name).containsExactly("a", "b", "j", "d", "ip");
            assertThat(cols.get(0).catalog()).isEqualTo("def");
            assertThat(cols.get(4).extendedTypeName()).isEqualTo("inet6");
            assertThat(cols.get(3).type()).isEqualTo(ColumnTypes.NEWDECIMAL);
            assertThat(cols.get(3).decimals()).isEqualTo(2);
            assertThat(Bufs.decode(read(ch), EofPacket::isEof)).isTrue();
            byte[] row = read(ch);
            assertThat(Bufs.decode(row, (ByteBuf b) -> TextRow.decode(b, 5, UTF_8)))
                    .containsExactly("1", null, "{\"k\": 1}", "1.00", "::1");
            byte[] eof = read(ch);
            EofPacket end = Bufs.decode(eof, EofPacket::decode);
            assertThat(end.status() & StatusFlags.MORE_RESULTS_EXISTS).isZero();
            assertThat(Bufs.bytes(end::encode)).isEqualTo(eof);
        }
    }

    @Test
    void okWithSessionStateChangesAndErr(MariaDbServer server) throws Exception {
        try (PacketChannel ch = open(server)) {
            long caps = login(ch, greeting(ch));
            command(ch, Commands.COM_QUERY, "SET autocommit = 0");
            byte[] ok = read(ch);
            OkPacket p = Bufs.decode(ok, (ByteBuf b) -> OkPacket.decode(b, caps));
            assertThat(p.status() & StatusFlags.SESSION_STATE_CHANGED).isNotZero();
            assertThat(p.status() & StatusFlags.AUTOCOMMIT).isZero();
            assertThat(new String(p.sessionStateInfo(), UTF_8)).contains("autocommit");
            assertThat(Bufs.bytes((ByteBuf b) -> p.encode(b, caps))).as("re-encoded OK").isEqualTo(ok);

            command(ch, Commands.COM_QUERY, "SELECT * FROM no_such_table");
            byte[] err = read(ch);
            ErrPacket e = Bufs.decode(err, ErrPacket::decode);
            assertThat(e).isEqualTo(new ErrPacket(1146, "42S02", "Table 'test.no_such_table' doesn't exist"));
            assertThat(Bufs.bytes(e::encode)).isEqualTo(err);
        }
    }

    @Test
    void authSwitchFromARealServer(MariaDbServer server) throws Exception {
        try (PacketChannel ch = open(server)) {
            InitialHandshake g = greeting(ch);
            long caps = WANTED & g.capabilities();
            HandshakeResponse resp = new HandshakeResponse(caps, 1 << 24, 45, Accounts.APP_USER, new byte[0], "test",
                    "client_ed25519", null);
            send(ch, Bufs.bytes(resp::encode));
            byte[] wire = read(ch);
            AuthSwitchRequest sw = Bufs.decode(wire, AuthSwitchRequest::decode);
            assertThat(sw.pluginName()).isEqualTo("mysql_native_password");
            assertThat(sw.pluginData()).hasSize(21);
            assertThat(sw.nonce()).hasSize(20);
            assertThat(Bufs.bytes(sw::encode)).isEqualTo(wire);
            send(ch, NativePassword.scramble(Accounts.APP_PASSWORD.getBytes(UTF_8), sw.nonce()));
            assertThat(Bufs.decode(read(ch), OkPacket::isOk)).isTrue();
        }
    }

    @Test
    void changeUserEncodedByUsIsAcceptedByTheServer(MariaDbServer server) throws Exception {
        try (PacketChannel ch = open(server)) {
            InitialHandshake g = greeting(ch);
            long caps = login(ch, g);
            ChangeUserRequest cu = new ChangeUserRequest(Accounts.SERVICE_USER,
                    NativePassword.scramble(Accounts.SERVICE_PASSWORD.getBytes(UTF_8), g.nonce()), "mysql", 45,
                    NativePassword.PLUGIN, ConnectAttributes.encode(Map.of("_client_name", "change")));
            byte[] payload = Bufs.bytes((ByteBuf b) -> cu.encode(b, caps));
            assertThat(Bufs.decode(payload, (ByteBuf b) -> ChangeUserRequest.decode(b, caps))).isEqualTo(cu);
            ch.sequence(0);
            send(ch, payload);
            byte[] reply = read(ch);
            if ((reply[0] & 0xFF) == AuthSwitchRequest.HEADER) {
                AuthSwitchRequest sw = Bufs.decode(reply, AuthSwitchRequest::decode);
                send(ch, NativePassword.scramble(Accounts.SERVICE_PASSWORD.getBytes(UTF_8), sw.nonce()));
                reply = read(ch);
            }
            assertThat(reply[0]).as("reply %s", ByteBufUtil.hexDump(reply)).isEqualTo((byte) 0);
            command(ch, Commands.COM_QUERY, "SELECT CURRENT_USER(), DATABASE()");
            assertThat(Bufs.decode(read(ch), (ByteBuf b) -> LenEnc.readInt(b.duplicate()))).isEqualTo(2);
            read(ch);
            read(ch);
            read(ch); // EOF after the column definitions
            assertThat(Arrays.asList(Bufs.decode(read(ch), (ByteBuf b) -> TextRow.decode(b, 2, UTF_8))))
                    .containsExactly("maxuser@%", "mysql");
        }
    }
}
