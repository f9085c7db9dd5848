package io.gatehouse.protocol.reply;

import static io.gatehouse.api.filter.ReplyPacketKind.COLUMNS_END;
import static io.gatehouse.api.filter.ReplyPacketKind.COLUMN_COUNT;
import static io.gatehouse.api.filter.ReplyPacketKind.COLUMN_DEFINITION;
import static io.gatehouse.api.filter.ReplyPacketKind.ERROR;
import static io.gatehouse.api.filter.ReplyPacketKind.LOCAL_INFILE_REQUEST;
import static io.gatehouse.api.filter.ReplyPacketKind.OK;
import static io.gatehouse.api.filter.ReplyPacketKind.OTHER;
import static io.gatehouse.api.filter.ReplyPacketKind.PREPARE_DEFINITION;
import static io.gatehouse.api.filter.ReplyPacketKind.PREPARE_OK;
import static io.gatehouse.api.filter.ReplyPacketKind.RESULT_END;
import static io.gatehouse.api.filter.ReplyPacketKind.ROW;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.filter.ReplyPacketKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shows {@link ReplyPacketClassifier} the packets of every reply shape, one at a time, and checks the kind it gives
 * each and when it says the reply ended.
 */
class ReplyPacketClassifierTest {
    private static final long DEPRECATE_EOF = 1L << 24;
    private static final int COM_QUERY = 0x03;
    private static final int COM_STMT_PREPARE = 0x16;
    private static final int COM_STMT_EXECUTE = 0x17;
    private static final int COM_STMT_FETCH = 0x1C;
    private static final int COM_PING = 0x0E;
    private static final int COM_STATISTICS = 0x09;
    private static final int MORE_RESULTS = 8;
    private static final int CURSOR_EXISTS = 64;

    private final List<ByteBuf> packets = new ArrayList<>();

    private void packet(int... payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeMediumLE(payload.length).writeByte(packets.size() + 1);
        for (int x : payload) {
            b.writeByte(x);
        }
        packets.add(b);
    }

    private void columns(int n) {
        packet(n);
        for (int i = 0; i < n; i++) {
            packet(3, 'd', 'e', 'f', 0, 0, 0, 1, 'a', 1, 'a', 0x0c, 0x21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    private void eof(int status) {
        packet(0xFE, 0, 0, status & 0xFF, status >> 8);
    }

    private void okTerminator(int status) {
        packet(0xFE, 0, 0, status & 0xFF, status >> 8, 0, 0);
    }

    private void ok(int status) {
        packet(0x00, 0, 0, status & 0xFF, status >> 8, 0, 0);
    }

    private void err() {
        packet(0xFF, 0x7A, 0x04, '#', '4', '2', 'S', '0', '2', 'x');
    }

    /** Classifies the packets built so far as the reply to {@code command}; the last must end it. */
    private List<ReplyPacketKind> classify(int command, long caps) {
        ReplyPacketClassifier c = new ReplyPacketClassifier();
        c.begin(command, caps);
        List<ReplyPacketKind> kinds = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            assertThat(c.inReply()).as("before packet " + i).isTrue();
            kinds.add(c.classify(packets.get(i)));
        }
        assertThat(c.inReply()).as("after the last packet").isFalse();
        packets.forEach(ByteBuf::release);
        packets.clear();
        return kinds;
    }

    @Test
    void textResultSetWithEofPackets() {
        columns(2);
        eof(0);
        packet(1, '1', 1, '2');
        packet(0xFB, 1, '3');           // a row whose first column is NULL is still a row
        eof(0);
        assertThat(classify(COM_QUERY, 0)).containsExactly(COLUMN_COUNT, COLUMN_DEFINITION, COLUMN_DEFINITION,
                COLUMNS_END, ROW, ROW, RESULT_END);
    }

    @Test
    void resultSetWithoutEofPacketsEndsWithAnOkTerminator() {
        columns(1);
        packet(1, 'x');
        packet(0xFE, 1, 'y');           // short row starting 0xFE would be a terminator; this is one
        assertThat(classify(COM_QUERY, DEPRECATE_EOF)).containsExactly(COLUMN_COUNT, COLUMN_DEFINITION, ROW,
                RESULT_END);
    }

    @Test
    void multipleResultSetsThenAnOk() {
        columns(1);
        eof(0);
        packet(1, 'a');
        eof(MORE_RESULTS);
        columns(1);
        eof(0);
        eof(MORE_RESULTS);
        ok(0);
        assertThat(classify(COM_QUERY, 0)).containsExactly(COLUMN_COUNT, COLUMN_DEFINITION, COLUMNS_END, ROW,
                RESULT_END, COLUMN_COUNT, COLUMN_DEFINITION, COLUMNS_END, RESULT_END, OK);
    }

    @Test
    void anErrorInsideTheRowsEndsTheReply() {
        columns(1);
        eof(0);
        packet(1, 'a');
        err();
        assertThat(classify(COM_QUERY, 0)).containsExactly(COLUMN_COUNT, COLUMN_DEFINITION, COLUMNS_END, ROW,
                ERROR);
    }

    @Test
    void okErrAndOtherSinglePacketReplies() {
        ok(2);
        assertThat(classify(COM_PING, 0)).containsExactly(OK);
        err();
        assertThat(classify(COM_QUERY, 0)).containsExactly(ERROR);
        packet('U', 'p', 't', 'i', 'm', 'e');
        assertThat(classify(COM_STATISTICS, 0)).containsExactly(OTHER);
    }

    @Test
    void binaryResultAndPrepareResponse() {
        // COM_STMT_PREPARE: id 1, 1 column, 2 parameters, then the definitions with their EOF packets.
        packet(0x00, 1, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0);
        for (int i = 0; i < 2; i++) {
            packet(3, 'd', 'e', 'f', 0, 0, 0, 1, '?', 0, 0x0c, 0x3f, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0);
        }
        eof(0);
        packet(3, 'd', 'e', 'f', 0, 0, 0, 1, 'a', 1, 'a', 0x0c, 0x21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        eof(0);
        assertThat(classify(COM_STMT_PREPARE, 0)).containsExactly(PREPARE_OK, PREPARE_DEFINITION,
                PREPARE_DEFINITION, PREPARE_DEFINITION, PREPARE_DEFINITION, PREPARE_DEFINITION);
        columns(1);
        eof(0);
        packet(0x00, 0x00, 1, 'x');     // binary rows start with 0x00, like an OK packet
        eof(0);
        assertThat(classify(COM_STMT_EXECUTE, 0)).containsExactly(COLUMN_COUNT, COLUMN_DEFINITION, COLUMNS_END,
                ROW, RESULT_END);
    }

    @Test
    void cursorOpenAndFetch() {
        columns(1);
        eof(CURSOR_EXISTS);
        assertThat(classify(COM_STMT_EXECUTE, 0)).containsExactly(COLUMN_COUNT, COLUMN_DEFINITION, COLUMNS_END);
        packet(0x00, 0x00, 1, 'x');
        packet(0x00, 0x00, 1, 'y');
        eof(CURSOR_EXISTS | 128);
        assertThat(classify(COM_STMT_FETCH, 0)).containsExactly(ROW, ROW, RESULT_END);
        packet(0x00, 0x00, 1, 'z');
        okTerminator(CURSOR_EXISTS);
        assertThat(classify(COM_STMT_FETCH, DEPRECATE_EOF)).containsExactly(ROW, RESULT_END);
    }

    @Test
    void localInfileRequestThenTheServersAnswer() {
        packet(0xFB, 'f', '.', 'c', 's', 'v');
        ok(0);
        assertThat(classify(COM_QUERY, 0)).containsExactly(LOCAL_INFILE_REQUEST, OK);
    }

    @Test
    void piecesOfA16MibRowKeepTheRowsKind() {
        columns(1);
        eof(0);
        ReplyPacketClassifier c = new ReplyPacketClassifier();
        c.begin(COM_QUERY, 0);
        List<ReplyPacketKind> kinds = new ArrayList<>();
        for (ByteBuf p : packets) {
            kinds.add(c.classify(p));
        }
        packets.forEach(ByteBuf::release);
        packets.clear();
        // A full piece (16 MiB - 1 bytes of payload), whose first byte would read as an EOF, then its last piece.
        ByteBuf full = Unpooled.buffer(4 + 0xFFFFFF);
        full.writeMediumLE(0xFFFFFF).writeByte(4).writeByte(0xFC).writeZero(0xFFFFFF - 1);
        ByteBuf tail = Unpooled.buffer().writeMediumLE(3).writeByte(5).writeByte(0xFE).writeByte(0).writeByte(0);
        kinds.add(c.classify(full));
        kinds.add(c.classify(tail));
        full.release();
        tail.release();
        assertThat(c.inReply()).isTrue();
        ByteBuf end = Unpooled.buffer().writeMediumLE(5).writeByte(6).writeBytes(new byte[] {(byte) 0xFE, 0, 0, 0, 0});
        kinds.add(c.classify(end));
        end.release();
        assertThat(kinds).containsExactly(COLUMN_COUNT, COLUMN_DEFINITION, COLUMNS_END, ROW, ROW, RESULT_END);
        assertThat(c.inReply()).isFalse();
    }

    @Test
    void packetsOutsideAReplyAreOther() {
        ReplyPacketClassifier c = new ReplyPacketClassifier();
        ByteBuf p = Unpooled.buffer().writeMediumLE(1).writeByte(1).writeByte(0);
        assertThat(c.classify(p)).isEqualTo(OTHER);
        p.release();
    }
}
