package io.gatehouse.protocol.reply;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Feeds reply byte streams of every shape through {@link ReplyTracker}, whole, one byte at a time and split at every
 * position, and checks the replies it reports and where they end.
 */
class ReplyTrackerTest {
    private static final long DEPRECATE_EOF = 1L << 24;
    private static final long CACHE_METADATA = 1L << 36;

    /** Builds a stream of packets with consecutive sequence numbers. */
    private static final class Stream {
        final ByteBuf buf = Unpooled.buffer();
        int seq = 1;

        Stream packet(int... payload) {
            byte[] b = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) {
                b[i] = (byte) payload[i];
            }
            return packet(b);
        }

        Stream packet(byte[] payload) {
            buf.writeMediumLE(payload.length).writeByte(seq++).writeBytes(payload);
            return this;
        }

        Stream ok(int status) {
            return packet(0x00, 1, 0, status & 0xFF, status >> 8, 0, 0);
        }

        Stream eof(int status) {
            return packet(0xFE, 0, 0, status & 0xFF, status >> 8);
        }

        Stream okTerminator(int status) {
            return packet(0xFE, 0, 0, status & 0xFF, status >> 8, 0, 0);
        }

        Stream err(int code) {
            byte[] p = ("\u00ff" + "xx#42S02Table missing").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            p[1] = (byte) code;
            p[2] = (byte) (code >> 8);
            return packet(p);
        }

        Stream columns(int n) {
            packet(n);
            for (int i = 0; i < n; i++) {
                packet(3, 'd', 'e', 'f', 0, 0, 0, 1, 'a', 1, 'a', 0x0c, 0x21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            }
            return this;
        }

        Stream rows(int n) {
            for (int i = 0; i < n; i++) {
                packet(1, '0' + (i % 10));
            }
            return this;
        }
    }

    private record Seen(Reply reply, int end) {
    }

    private static List<Seen> track(long caps, int[] commands, ByteBuf stream, int split) {
        List<Seen> seen = new ArrayList<>();
        ReplyTracker t = new ReplyTracker(caps, (r, end) -> seen.add(new Seen(r, end)));
        for (int c : commands) {
            t.expect(c);
        }
        int total = stream.readableBytes();
        int at = 0;
        while (at < total) {
            int n = split <= 0 ? total : Math.min(split, total - at);
            ByteBuf part = stream.retainedSlice(at, n);
            t.scan(part);
            part.release();
            at += n;
        }
        assertThat(t.busy()).isFalse();
        return seen;
    }

    /** The same replies must come out whether the bytes arrive whole, byte by byte, or split anywhere. */
    private static List<Reply> trackEverySplit(long caps, int[] commands, Stream s) {
        List<Seen> whole = track(caps, commands, s.buf, 0);
        for (int split = 1; split <= Math.min(64, s.buf.readableBytes()); split++) {
            List<Seen> parts = track(caps, commands, s.buf, split);
            assertThat(parts).hasSameSizeAs(whole);
            for (int i = 0; i < parts.size(); i++) {
                assertThat(parts.get(i).reply().kind()).isEqualTo(whole.get(i).reply().kind());
                assertThat(parts.get(i).reply().rows()).isEqualTo(whole.get(i).reply().rows());
            }
        }
        s.buf.release();
        return whole.stream().map(Seen::reply).toList();
    }

    /**
     * What a proxy needs to end a reply cut by a lost connection: where the last whole packet of a chunk ends, the
     * size of the packet cut at its end, and the number an error following the whole packets takes (none before
     * the first packet of the reply is whole, none once the reply is complete).
     */
    @Test
    void wholePacketsOfAReplyInProgressAndTheCutOne() {
        Stream s = new Stream().columns(1).eof(2).rows(3).eof(2);
        ByteBuf all = s.buf;
        ReplyTracker t = new ReplyTracker(0, (r, end) -> { });
        t.expect(0x03);
        assertThat(t.sequenceAfterWholePackets()).isEqualTo(-1);
        // The column count (5 bytes), then 2 bytes of the column definition's header.
        t.scan(all.slice(0, 7));
        assertThat(t.lastPacketEnd()).isEqualTo(5);
        assertThat(t.pendingPacketSize()).isEqualTo(4);
        assertThat(t.sequenceAfterWholePackets()).isEqualTo(2);
        // The rest of the column definition's header: its whole size is known, none of it ended here.
        t.scan(all.slice(7, 4));
        assertThat(t.lastPacketEnd()).isEqualTo(-1);
        assertThat(t.pendingPacketSize()).isEqualTo(4 + 23);
        int rest = all.readableBytes() - 11;
        t.scan(all.slice(11, rest - 1));
        assertThat(t.sequenceAfterWholePackets()).as("after the last row").isEqualTo(7);
        assertThat(t.pendingPacketSize()).as("the EOF, cut").isEqualTo(9);
        t.scan(all.slice(10 + rest, 1));
        assertThat(t.pendingPacketSize()).isZero();
        assertThat(t.sequenceAfterWholePackets()).as("the reply is complete").isEqualTo(-1);
        assertThat(t.busy()).isFalse();
    }

    @Test
    void resultSetWithEofPackets() {
        Stream s = new Stream().columns(2).eof(2).rows(5).eof(2);
        List<Reply> r = trackEverySplit(0, new int[] {0x03}, s);
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(Reply.Kind.RESULT_SET);
            assertThat(x.rows()).isEqualTo(5);
            assertThat(x.resultSets()).isEqualTo(1);
        });
    }

    @Test
    void resultSetWithDeprecatedEof() {
        Stream s = new Stream().columns(3).rows(7).okTerminator(2);
        List<Reply> r = trackEverySplit(DEPRECATE_EOF, new int[] {0x03}, s);
        assertThat(r).singleElement().satisfies(x -> assertThat(x.rows()).isEqualTo(7));
    }

    @Test
    void multipleResultSetsAndPipelinedCommands() {
        // A CALL answering two result sets and a final OK, then a pipelined ping.
        Stream s = new Stream().columns(1).eof(2 | 8).rows(2).eof(2 | 8).columns(1).eof(2 | 8).rows(3).eof(2 | 8)
                .ok(2);
        s.seq = 1;
        s.ok(2);
        List<Reply> r = trackEverySplit(0, new int[] {0x03, 0x0E}, s);
        assertThat(r).hasSize(2);
        assertThat(r.get(0).resultSets()).isEqualTo(2);
        assertThat(r.get(0).rows()).isEqualTo(5);
        assertThat(r.get(1).kind()).isEqualTo(Reply.Kind.OK);
    }

    @Test
    void errorsEndRepliesAndCarryTheirCode() {
        Stream s = new Stream().err(1146);
        List<Reply> r = trackEverySplit(0, new int[] {0x03}, s);
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.isError()).isTrue();
            assertThat(x.errorCode()).isEqualTo(1146);
            assertThat(x.sqlState()).isEqualTo("42S02");
            assertThat(x.errorMessage()).isEqualTo("Table missing");
        });
    }

    @Test
    void prepareResponseWithParametersAndColumns() {
        Stream s = new Stream().packet(0x00, 1, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0);
        for (int i = 0; i < 3; i++) {
            s.packet(3, 'd', 'e', 'f');
        }
        s.eof(2);
        for (int i = 0; i < 2; i++) {
            s.packet(3, 'd', 'e', 'f');
        }
        s.eof(2);
        List<Reply> r = trackEverySplit(0, new int[] {0x16}, s);
        assertThat(r).singleElement().satisfies(x -> assertThat(x.kind()).isEqualTo(Reply.Kind.PREPARE_OK));
    }

    @Test
    void localInfileRequestThenOk() {
        Stream s = new Stream().packet(0xFB, 'f', '.', 'c', 's', 'v');
        s.seq = 3;
        s.ok(2);
        List<Reply> r = trackEverySplit(0, new int[] {0x03}, s);
        assertThat(r).singleElement().satisfies(x -> assertThat(x.kind()).isEqualTo(Reply.Kind.OK));
    }

    @Test
    void cursorOpenEndsWithoutRowsAndFetchReadsThem() {
        Stream s = new Stream().columns(1).eof(2 | 64);
        s.seq = 1;
        s.rows(4).eof(2 | 128);
        List<Reply> r = trackEverySplit(0, new int[] {0x17, 0x1C}, s);
        assertThat(r).hasSize(2);
        assertThat(r.get(1).rows()).isEqualTo(4);
    }

    @Test
    void metadataCacheSkipsColumnDefinitions() {
        Stream s = new Stream().packet(2, 0).rows(3).okTerminator(2);
        List<Reply> r = trackEverySplit(DEPRECATE_EOF | CACHE_METADATA, new int[] {0x17}, s);
        assertThat(r).singleElement().satisfies(x -> assertThat(x.rows()).isEqualTo(3));
    }

    @Test
    void rowsOfSixteenMegabytesAndMoreAreOneRow() {
        Stream s = new Stream().columns(1).eof(2);
        byte[] first = new byte[0xFFFFFF];
        first[0] = (byte) 0xFE;                    // an 8-byte length prefix, which looks like EOF but is not
        s.packet(first);
        s.packet(new byte[] {0x01, 0x02});
        s.rows(1).eof(2);
        List<Seen> split = track(0, new int[] {0x03}, s.buf, 1 << 20);
        assertThat(split).singleElement().satisfies(x -> assertThat(x.reply().rows()).isEqualTo(2));
        List<Seen> whole = track(0, new int[] {0x03}, s.buf, 0);
        assertThat(whole.get(0).end()).isEqualTo(s.buf.writerIndex());
        s.buf.release();
    }

    @Test
    void progressReportsDoNotEndTheReply() {
        Stream s = new Stream().packet(0xFF, 0xFF, 0xFF, 1, 1, 0, 0, 0, 0).ok(2);
        List<Reply> r = trackEverySplit(0, new int[] {0x03}, s);
        assertThat(r).singleElement().satisfies(x -> assertThat(x.kind()).isEqualTo(Reply.Kind.OK));
    }
}
