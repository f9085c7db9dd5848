package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsePacketsTest {
    private static final long TRACK = Capabilities.PROTOCOL_41 | Capabilities.SESSION_TRACK;

    /** The payload of a complete packet, checking its header says {@code sequence} and the right length. */
    private static byte[] payloadOf(ByteBuf packet, int sequence) {
        byte[] all = Bufs.drain(packet);
        assertThat(all[3] & 0xFF).isEqualTo(sequence);
        int length = (all[0] & 0xFF) | (all[1] & 0xFF) << 8 | (all[2] & 0xFF) << 16;
        assertThat(length).isEqualTo(all.length - 4);
        return Arrays.copyOfRange(all, 4, all.length);
    }

    @Test
    void okPacketWrittenWithExactSizeDecodesBack() {
        byte[] p = payloadOf(OkPacket.write(Bufs.ALLOC, 2, 70_000, 1L << 40, StatusFlags.AUTOCOMMIT, 3,
                "Rows matched: 1  Changed: 1  Warnings: 0"), 2);
        for (long caps : new long[] {Capabilities.PROTOCOL_41, TRACK}) {
            OkPacket ok = Bufs.decode(p, (ByteBuf b) -> OkPacket.decode(b, caps));
            assertThat(ok).isEqualTo(new OkPacket(70_000, 1L << 40, StatusFlags.AUTOCOMMIT, 3,
                    "Rows matched: 1  Changed: 1  Warnings: 0", null));
        }
        assertThat(Bufs.decode(p, OkPacket::isOk)).isTrue();
        Bufs.assertNeverCrashes(p, (ByteBuf b) -> OkPacket.decode(b, TRACK));
    }

    @Test
    void minimalOkFromTheWire() {
        OkPacket ok = Bufs.decode(new byte[] {0, 1, 0, 2, 0, 0, 0}, (ByteBuf b) -> OkPacket.decode(b, TRACK));
        assertThat(ok).isEqualTo(new OkPacket(1, 0, 2, 0, "", null));
    }

    @Test
    void sessionStateChangesRoundTripRaw() {
        byte[] session = {1, 5, 4, 't', 'e', 's', 't'}; // SESSION_TRACK_SCHEMA "test"
        OkPacket ok = new OkPacket(0, 0, StatusFlags.AUTOCOMMIT | StatusFlags.SESSION_STATE_CHANGED, 0, "",
                session);
        byte[] wire = Bufs.bytes(b -> ok.encode(b, TRACK));
        assertThat(Bufs.decode(wire, (ByteBuf b) -> OkPacket.decode(b, TRACK))).isEqualTo(ok);
        Bufs.assertNeverCrashes(wire, (ByteBuf b) -> OkPacket.decode(b, TRACK));
    }

    @Test
    void infoWrittenAsStringToEndIsStillRead() {
        byte[] wire = Bufs.bytes(b -> b.writeBytes(new byte[] {0, 0, 0, 2, 0, 0, 0})
                .writeBytes("Records: 3".getBytes(UTF_8)));
        assertThat(Bufs.decode(wire, (ByteBuf b) -> OkPacket.decode(b, Capabilities.PROTOCOL_41)).info())
                .isEqualTo("Records: 3");
    }

    @Test
    void deprecateEofTerminatorIsAnOkWithHeader0xFE() {
        byte[] p = payloadOf(OkPacket.writeEofForm(Bufs.ALLOC, 9, 1, StatusFlags.MORE_RESULTS_EXISTS), 9);
        assertThat(p[0] & 0xFF).isEqualTo(0xFE);
        OkPacket ok = Bufs.decode(p, (ByteBuf b) -> OkPacket.decode(b, TRACK));
        assertThat(ok.warnings()).isEqualTo(1);
        assertThat(ok.status()).isEqualTo(StatusFlags.MORE_RESULTS_EXISTS);
        assertThat(Bufs.decode(p, EofPacket::isEof)).isTrue();
        assertThat(Bufs.decode(p, OkPacket::isOk)).isFalse();
    }

    @Test
    void errPacketRoundTripsAndHandlesTheOldFormWithoutSqlState() {
        byte[] p = payloadOf(ErrPacket.write(Bufs.ALLOC, 1, 1045, "28000",
                "Access denied for user 'x'@'h' (using password: YES)"), 1);
        assertThat(Bufs.decode(p, ErrPacket::decode)).isEqualTo(ServerErrors.accessDenied("x", "h", true));
        assertThat(Bufs.decode(p, ErrPacket::isErr)).isTrue();
        Bufs.assertNeverCrashes(p, ErrPacket::decode);
        ErrPacket old = Bufs.decode(new byte[] {(byte) 0xFF, 0x10, 0x04, 'T', 'o', 'o'}, ErrPacket::decode);
        assertThat(old).isEqualTo(new ErrPacket(1040, "HY000", "Too"));
    }

    @Test
    void progressReportIsMarkedNotMistakenForAnError() {
        byte[] wire = Bufs.bytes(b -> {
            b.writeByte(0xFF).writeShortLE(0xFFFF).writeByte(1).writeByte(2).writeMediumLE(50_000);
            LenEnc.writeString(b, "copy to tmp table", UTF_8);
        });
        ErrPacket e = Bufs.decode(wire, ErrPacket::decode);
        assertThat(e.isProgressReport()).isTrue();
        assertThat(e.message()).isEqualTo("stage 1 of 2, 50.000%: copy to tmp table");
        Bufs.assertNeverCrashes(wire, ErrPacket::decode);
    }

    @Test
    void errDecodeRejectsTruncationAndBadSqlState() {
        assertThatThrownBy(() -> Bufs.decode(new byte[] {(byte) 0xFF, 0x15}, ErrPacket::decode))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("err.header+code: 2 bytes left (expected: at least 3 bytes)");
        assertThatThrownBy(() -> Bufs.decode(new byte[] {(byte) 0xFF, 0x15, 4, '#', '2', '8'}, ErrPacket::decode))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("err.sqlState: ");
        assertThatThrownBy(() -> ErrPacket.write(Bufs.ALLOC, 0, 1, "HY", "x"))
                .isInstanceOf(ProtocolException.class).hasMessage("err.sqlState: HY (expected: 5 ASCII characters)");
    }

    @Test
    void eofRoundTripsAndIsToldApartFromARowStartingWith0xFE() {
        byte[] p = payloadOf(EofPacket.write(Bufs.ALLOC, 4, 2, StatusFlags.AUTOCOMMIT), 4);
        assertThat(p).containsExactly(0xFE, 2, 0, 2, 0);
        assertThat(Bufs.decode(p, EofPacket::decode)).isEqualTo(new EofPacket(2, StatusFlags.AUTOCOMMIT));
        byte[] row = new byte[9 + 3];
        row[0] = (byte) 0xFE;
        assertThat(Bufs.decode(row, EofPacket::isEof)).isFalse();
        Bufs.assertNeverCrashes(p, EofPacket::decode);
    }

    @Test
    void authSwitchRoundTripsAndGivesTheNonceWithoutItsNul() {
        byte[] data = Arrays.copyOf("01234567890123456789".getBytes(UTF_8), 21);
        AuthSwitchRequest req = new AuthSwitchRequest("mysql_native_password", data);
        byte[] wire = Bufs.bytes(req::encode);
        AuthSwitchRequest back = Bufs.decode(wire, AuthSwitchRequest::decode);
        assertThat(back).isEqualTo(req);
        assertThat(back.nonce()).isEqualTo("01234567890123456789".getBytes(UTF_8));
        assertThat(Bufs.decode(new byte[] {(byte) 0xFE}, AuthSwitchRequest::decode).pluginName())
                .isEqualTo(AuthSwitchRequest.OLD_PASSWORD_PLUGIN);
        assertThatThrownBy(() -> Bufs.decode(new byte[] {(byte) 0xFE, 'a', 'b'}, AuthSwitchRequest::decode))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("authSwitch.pluginName: ");
        Bufs.assertNeverCrashes(wire, AuthSwitchRequest::decode);
    }

    @Test
    void changeUserRoundTripsForNewAndOldClients() {
        long modern = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH
                | Capabilities.CONNECT_ATTRS;
        ChangeUserRequest full = new ChangeUserRequest("bob", new byte[20], "shop", 45, "mysql_native_password",
                ConnectAttributes.encode(java.util.Map.of("_pid", "12")));
        byte[] wire = Bufs.bytes(b -> full.encode(b, modern));
        assertThat(Bufs.decode(wire, (ByteBuf b) -> ChangeUserRequest.decode(b, modern))).isEqualTo(full);
        assertThat(full.attributes()).containsEntry("_pid", "12");
        Bufs.assertNeverCrashes(wire, (ByteBuf b) -> ChangeUserRequest.decode(b, modern));

        long old = Capabilities.PROTOCOL_41;
        byte[] oldWire = Bufs.bytes(b -> b.writeByte(Commands.COM_CHANGE_USER).writeBytes("al\0pw\0db\0"
                .getBytes(UTF_8)));
        ChangeUserRequest o = Bufs.decode(oldWire, (ByteBuf b) -> ChangeUserRequest.decode(b, old));
        assertThat(o).isEqualTo(new ChangeUserRequest("al", "pw".getBytes(UTF_8), "db", 0, null, null));
        assertThatThrownBy(() -> Bufs.decode(new byte[] {3, 'x', 0}, (ByteBuf b) -> ChangeUserRequest.decode(b, old)))
                .isInstanceOf(ProtocolException.class).hasMessage("changeUser.command: 3 (expected: 17)");
    }

    @Test
    void columnDefinitionRoundTripsWithAndWithoutExtendedMetadata() {
        ColumnDefinition plain = new ColumnDefinition("def", "test", "t", "t1", "id", "id", 63, 11,
                ColumnTypes.LONG, 0x4203, 0);
        byte[] wire = Bufs.bytes(b -> plain.encode(b, Capabilities.PROTOCOL_41));
        assertThat(Bufs.decode(wire, (ByteBuf b) -> ColumnDefinition.decode(b, Capabilities.PROTOCOL_41))).isEqualTo(plain);
        Bufs.assertNeverCrashes(wire, (ByteBuf b) -> ColumnDefinition.decode(b, Capabilities.PROTOCOL_41));

        long ext = Capabilities.PROTOCOL_41 | Capabilities.MARIADB_CLIENT_EXTENDED_METADATA;
        ColumnDefinition json = new ColumnDefinition("def", "test", "t", "t", "doc", "doc", 45, 4294967295L,
                ColumnTypes.BLOB, 0x10, 0, "json", null);
        byte[] extWire = Bufs.bytes(b -> json.encode(b, ext));
        assertThat(Bufs.decode(extWire, (ByteBuf b) -> ColumnDefinition.decode(b, ext))).isEqualTo(json);
        Bufs.assertNeverCrashes(extWire, (ByteBuf b) -> ColumnDefinition.decode(b, ext));
        assertThatThrownBy(() -> Bufs.decode(Arrays.copyOf(wire, wire.length - 5),
                b -> ColumnDefinition.decode(b, Capabilities.PROTOCOL_41)))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("column.fixedFields: 7 bytes left (expected: at least 10 bytes)");
    }

    @Test
    void textRowsCarryNullsAndRejectTrailingBytes() {
        List<String> values = Arrays.asList("1", null, "", "héllo");
        byte[] p = payloadOf(TextRow.write(Bufs.ALLOC, 5, values, UTF_8), 5);
        assertThat(Bufs.decode(p, (ByteBuf b) -> TextRow.decode(b, 4, UTF_8))).containsExactly("1", null, "", "héllo");
        assertThatThrownBy(() -> Bufs.decode(p, (ByteBuf b) -> TextRow.decode(b, 3, UTF_8)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("(expected: exactly 3 columns)");
        Bufs.assertNeverCrashes(p, (ByteBuf b) -> TextRow.decode(b, 4, UTF_8));
    }

    @Test
    void serverErrorsUseMariaDbCodesStatesAndTexts() {
        assertThat(ServerErrors.dbAccessDenied("app", "10.0.0.1", "hr"))
                .isEqualTo(new ErrPacket(1044, "42000", "Access denied for user 'app'@'10.0.0.1' to database 'hr'"));
        assertThat(ServerErrors.badDb("nope")).isEqualTo(new ErrPacket(1049, "42000", "Unknown database 'nope'"));
        assertThat(ServerErrors.tooManyConnections()).isEqualTo(new ErrPacket(1040, "08004",
                "Too many connections"));
        assertThat(ServerErrors.noSuchThread(42)).isEqualTo(new ErrPacket(1094, "HY000", "Unknown thread id: 42"));
        assertThat(ServerErrors.killDenied(42)).isEqualTo(new ErrPacket(1095, "HY000",
                "You are not owner of thread 42"));
        assertThat(ServerErrors.unknownCommand()).isEqualTo(new ErrPacket(1047, "08S01", "Unknown command"));
        assertThat(ServerErrors.accessDenied("a", "b", false).message()).endsWith("(using password: NO)");
        assertThat(ServerErrors.serverLost().code()).isEqualTo(2013);
        assertThat(ServerErrors.connHostError("db1", 111).code()).isEqualTo(2003);
    }
}
