package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeCodecTest {
    private static final byte[] NONCE = "abcdefghijklmnopqrst".getBytes(UTF_8);
    private static final long MARIADB_SERVER_CAPS = (Capabilities.STANDARD_MASK & 0xFFFFFFFEL & ~Capabilities.SSL
            & ~Capabilities.COMPRESS) | Capabilities.MARIADB_CLIENT_PROGRESS | Capabilities.MARIADB_CLIENT_COM_MULTI
            | Capabilities.MARIADB_CLIENT_STMT_BULK_OPERATIONS | Capabilities.MARIADB_CLIENT_EXTENDED_METADATA;

    private static InitialHandshake greeting(long caps) {
        return new InitialHandshake(10, "5.5.5-10.11.6-MariaDB", 77, NONCE, caps, 45,
                StatusFlags.AUTOCOMMIT, "mysql_native_password");
    }

    @Test
    void greetingRoundTripsWithMariaDbExtendedCapabilities() {
        InitialHandshake g = greeting(MARIADB_SERVER_CAPS);
        byte[] wire = Bufs.bytes(g::encode);
        InitialHandshake back = Bufs.decode(wire, InitialHandshake::decode);
        assertThat(back).isEqualTo(g);
        assertThat(back.capabilities() >>> 32).isEqualTo(0xF);
        assertThat(back.realServerVersion()).isEqualTo("10.11.6-MariaDB");
        assertThat(back.isMariaDb()).isTrue();
    }

    @Test
    void extendedCapabilityBytesAreFillerWhenClientMysqlIsSet() {
        byte[] wire = Bufs.bytes(greeting(MARIADB_SERVER_CAPS)::encode);
        int versionEnd = 1 + "5.5.5-10.11.6-MariaDB".length() + 1;
        int extended = versionEnd + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 6;
        wire[versionEnd + 4 + 8 + 1] |= 1; // set CLIENT_MYSQL in the low capability byte
        assertThat(wire[extended]).as("extended caps present in the sample").isNotZero();
        InitialHandshake back = Bufs.decode(wire, InitialHandshake::decode);
        assertThat(back.capabilities() >>> 32).isZero();
        assertThat(back.capabilities() & Capabilities.CLIENT_MYSQL).isEqualTo(1);
    }

    @Test
    void handBuiltMySqlGreetingDecodes() {
        ByteBuf b = Bufs.ALLOC.buffer();
        b.writeByte(10).writeBytes("8.0.36\0".getBytes(UTF_8)).writeIntLE(12);
        b.writeBytes(NONCE, 0, 8).writeByte(0);
        long caps = 0xFFFFF7FFL; // everything but SSL, as MySQL 8 without TLS announces it
        b.writeShortLE((int) caps).writeByte(255).writeShortLE(2).writeShortLE((int) (caps >>> 16));
        b.writeByte(21).writeZero(10);
        b.writeBytes(NONCE, 8, 12).writeByte(0);
        b.writeBytes("caching_sha2_password\0".getBytes(UTF_8));
        try {
            InitialHandshake g = InitialHandshake.decode(b);
            assertThat(g.serverVersion()).isEqualTo("8.0.36");
            assertThat(g.connectionId()).isEqualTo(12);
            assertThat(g.nonce()).isEqualTo(NONCE);
            assertThat(g.capabilities()).isEqualTo(caps);
            assertThat(g.charset()).isEqualTo(255);
            assertThat(g.authPluginName()).isEqualTo("caching_sha2_password");
            assertThat(g.isMariaDb()).isFalse();
        } finally {
            b.release();
        }
    }

    @Test
    void badOrTruncatedGreetingsThrowProtocolExceptions() {
        byte[] wire = Bufs.bytes(greeting(MARIADB_SERVER_CAPS)::encode);
        Bufs.assertNeverCrashes(wire, InitialHandshake::decode);
        byte[] versionOnly = java.util.Arrays.copyOf(wire, 1 + "5.5.5-10.11.6-MariaDB".length() + 1 + 3);
        assertThatThrownBy(() -> Bufs.decode(versionOnly, InitialHandshake::decode))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("handshake.connectionId..capabilities: 3 bytes left (expected: at least 15 bytes)");
        assertThatThrownBy(() -> Bufs.decode(new byte[] {(byte) 0xFF, 0x10, 0x04}, InitialHandshake::decode))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("handshake.protocolVersion: 255 (expected: 10)");
    }

    private static HandshakeResponse response(long caps, byte[] auth) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("_client_name", "test");
        attrs.put("program_name", "gatehouse");
        return new HandshakeResponse(caps, 1 << 24, 45, "app", auth, "test", "mysql_native_password",
                ConnectAttributes.encode(attrs));
    }

    @Test
    void responseRoundTripsInEachAuthDataLayout() {
        long base = Capabilities.PROTOCOL_41 | Capabilities.CONNECT_WITH_DB | Capabilities.PLUGIN_AUTH
                | Capabilities.CONNECT_ATTRS | Capabilities.CLIENT_MYSQL;
        byte[] token20 = NONCE.clone();
        byte[] token300 = new byte[300];
        java.util.Arrays.fill(token300, (byte) 7);
        HandshakeResponse[] samples = {
            response(base | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.SECURE_CONNECTION, token300),
            response(base | Capabilities.SECURE_CONNECTION, token20),
            response(base, "plain".getBytes(UTF_8)),
        };
        for (HandshakeResponse r : samples) {
            byte[] wire = Bufs.bytes(r::encode);
            HandshakeResponse back = Bufs.decode(wire, HandshakeResponse::decode);
            assertThat(back).isEqualTo(r);
            assertThat(back.attributes()).containsExactly(Map.entry("_client_name", "test"),
                    Map.entry("program_name", "gatehouse"));
            Bufs.assertNeverCrashes(wire, HandshakeResponse::decode);
        }
    }

    @Test
    void mariaDbClientPutsExtendedCapabilitiesInTheLastFillerBytes() {
        long caps = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH
                | Capabilities.MARIADB_CLIENT_EXTENDED_METADATA | Capabilities.MARIADB_CLIENT_CACHE_METADATA;
        HandshakeResponse r = new HandshakeResponse(caps, 0, 45, "u", new byte[0], null, "mysql_native_password",
                null);
        byte[] wire = Bufs.bytes(r::encode);
        assertThat(java.util.Arrays.copyOfRange(wire, 28, 32)).containsExactly(0x18, 0, 0, 0);
        HandshakeResponse back = Bufs.decode(wire, HandshakeResponse::decode);
        assertThat(back.capabilities()).isEqualTo(caps);
        assertThat(back.database()).isNull();
        assertThat(back.connectAttributes()).isNull();
        assertThat(back.attributes()).isEmpty();
    }

    @Test
    void handBuiltResponseFromAMySqlStyleClientDecodes() {
        ByteBuf b = Bufs.ALLOC.buffer();
        long caps = Capabilities.CLIENT_MYSQL | Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION
                | Capabilities.CONNECT_WITH_DB | Capabilities.PLUGIN_AUTH;
        b.writeIntLE((int) caps).writeIntLE(0x01000000).writeByte(33).writeZero(19);
        b.writeIntLE(0xFFFFFFFF); // junk in the extended slot must be ignored: CLIENT_MYSQL is set
        b.writeBytes("bob\0".getBytes(UTF_8)).writeByte(20).writeBytes(NONCE);
        b.writeBytes("shop\0".getBytes(UTF_8));
        b.writeBytes("mysql_native_password".getBytes(UTF_8)); // no trailing NUL: old clients leave it out
        try {
            HandshakeResponse r = HandshakeResponse.decode(b);
            assertThat(r.capabilities()).isEqualTo(caps);
            assertThat(r.maxPacketSize()).isEqualTo(0x01000000);
            assertThat(r.charset()).isEqualTo(33);
            assertThat(r.user()).isEqualTo("bob");
            assertThat(r.authResponse()).isEqualTo(NONCE);
            assertThat(r.database()).isEqualTo("shop");
            assertThat(r.authPlugin()).isEqualTo("mysql_native_password");
            assertThat(HandshakeResponse.isSslRequest(b)).isFalse();
        } finally {
            b.release();
        }
    }

    @Test
    void sslRequestIsTheFixedPartWithTheSslFlag() {
        byte[] ssl = Bufs.bytes(b -> b.writeIntLE((int) (Capabilities.PROTOCOL_41 | Capabilities.SSL))
                .writeIntLE(1 << 24).writeByte(45).writeZero(23));
        assertThat(Bufs.decode(ssl, HandshakeResponse::isSslRequest)).isTrue();
        byte[] noSsl = Bufs.bytes(b -> b.writeIntLE((int) Capabilities.PROTOCOL_41).writeIntLE(0).writeByte(45)
                .writeZero(23));
        assertThat(Bufs.decode(noSsl, HandshakeResponse::isSslRequest)).isFalse();
    }

    @Test
    void truncatedOrPre41ResponsesAreRejectedClearly() {
        byte[] wire = Bufs.bytes(response(Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION,
                NONCE)::encode);
        assertThatThrownBy(() -> Bufs.decode(java.util.Arrays.copyOf(wire, 20), HandshakeResponse::decode))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("handshakeResponse.fixedPart: 20 bytes left (expected: at least 32 bytes)");
        assertThatThrownBy(() -> Bufs.decode(java.util.Arrays.copyOf(wire, 34), HandshakeResponse::decode))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("handshakeResponse.user: ");
        assertThatThrownBy(() -> Bufs.decode(java.util.Arrays.copyOf(wire, 40), HandshakeResponse::decode))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("handshakeResponse.authResponse: ");
        byte[] old = Bufs.bytes(b -> b.writeIntLE(1).writeIntLE(0).writeByte(8).writeZero(23).writeByte(0));
        assertThatThrownBy(() -> Bufs.decode(old, HandshakeResponse::decode))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("(expected: PROTOCOL_41 set)");
    }

    @Test
    void withAuthKeepsEverythingButTheCredentials() {
        HandshakeResponse r = response(Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION, NONCE);
        HandshakeResponse other = r.withAuth("svc", new byte[] {1, 2}, "client_ed25519");
        assertThat(other.user()).isEqualTo("svc");
        assertThat(other.authResponse()).containsExactly(1, 2);
        assertThat(other.authPlugin()).isEqualTo("client_ed25519");
        assertThat(other.database()).isEqualTo(r.database());
        assertThat(other.connectAttributes()).isEqualTo(r.connectAttributes());
        assertThat(other.toString()).doesNotContain("abcdef");
    }

    @Test
    void capabilityNamesForLogs() {
        assertThat(Capabilities.describe(Capabilities.PROTOCOL_41 | Capabilities.MARIADB_CLIENT_PROGRESS))
                .isEqualTo("PROTOCOL_41|MARIADB_CLIENT_PROGRESS");
        assertThat(Capabilities.describe(0)).isEqualTo("none");
        assertThat(Commands.name(Commands.COM_QUERY)).isEqualTo("COM_QUERY");
        assertThat(Commands.name(250)).isEqualTo("COM_STMT_BULK_EXECUTE");
        assertThat(Commands.name(99)).isEqualTo("COM_UNKNOWN(99)");
        assertThat(StatusFlags.describe(StatusFlags.AUTOCOMMIT | StatusFlags.MORE_RESULTS_EXISTS))
                .isEqualTo("AUTOCOMMIT|MORE_RESULTS_EXISTS");
    }
}
