package io.gatehouse.core.session.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.api.filter.RouteHint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplyPackets} with filters that keep, drop, replace and multiply packets: reply bytes in any cut come out
 * as whole packets, filters see them in reverse chain order with their kinds, the client's sequence numbers count up
 * without a gap, and every buffer is released on every path. The client channel is an {@link EmbeddedChannel}.
 */
class ReplyPacketsTest {
    private static final int COM_QUERY = 0x03;
    private final EmbeddedChannel client = new EmbeddedChannel();
    private final List<ByteBuf> given = new ArrayList<>();

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        for (ByteBuf b : given) {
            assertThat(b.refCnt()).as("a buffer handed to the path was released").isZero();
        }
    }

    /** A filter session that only looks at reply packets, through {@code f}, recording the kinds it saw. */
    private static final class PacketFilter implements FilterSession {
        final List<ReplyPacketKind> seen = new ArrayList<>();
        final BiFunction<ByteBuf, ReplyPacketKind, ByteBuf> f;
        final List<String> order;
        final String name;

        PacketFilter(String name, List<String> order, BiFunction<ByteBuf, ReplyPacketKind, ByteBuf> f) {
            this.name = name;
            this.order = order;
            this.f = f;
        }

        @Override
        public List<RouteHint> routeQuery(Command command) {
            return List.of();
        }

        @Override
        public boolean needsReplyPackets() {
            return true;
        }

        @Override
        public ByteBuf replyPacket(ByteBuf packet, ReplyPacketKind kind) {
            seen.add(kind);
            order.add(name);
            return f.apply(packet, kind);
        }
    }

    private static void packet(ByteBuf out, int seq, int... payload) {
        out.writeMediumLE(payload.length).writeByte(seq);
        for (int b : payload) {
            out.writeByte(b);
        }
    }

    /** A text result set of one column and three rows, with EOF packets, numbered from 1. */
    private static ByteBuf resultSet() {
        ByteBuf b = Unpooled.buffer();
        packet(b, 1, 1);
        packet(b, 2, 3, 'd', 'e', 'f', 0, 0, 0, 1, 'a', 1, 'a', 0x0c, 0x21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        packet(b, 3, 0xFE, 0, 0, 2, 0);
        packet(b, 4, 1, 'x');
        packet(b, 5, 1, 'y');
        packet(b, 6, 1, 'z');
        packet(b, 7, 0xFE, 0, 0, 2, 0);
        return b;
    }

    /** Feeds {@code bytes} in pieces of {@code step} bytes; returns the packets the client got, as payload/seq. */
    private List<int[]> feed(ReplyPackets path, ByteBuf bytes, int step) {
        while (bytes.isReadable()) {
            ByteBuf piece = bytes.readRetainedSlice(Math.min(step, bytes.readableBytes()));
            given.add(piece);
            path.toClient(piece);
        }
        bytes.release();
        client.flush();                                       // the pipeline flushes when a batch of reads ends
        ByteBuf all = Unpooled.buffer();
        ByteBuf out;
        while ((out = client.readOutbound()) != null) {
            all.writeBytes(out);
            out.release();
        }
        List<int[]> packets = new ArrayList<>();
        while (all.isReadable()) {
            int len = all.readUnsignedMediumLE();
            int seq = all.readUnsignedByte();
            packets.add(new int[] {seq, len, len > 0 ? all.getUnsignedByte(all.readerIndex()) : -1});
            all.skipBytes(len);
        }
        all.release();
        return packets;
    }

    private static List<Integer> sequences(List<int[]> packets) {
        return packets.stream().map(p -> p[0]).toList();
    }

    @Test
    void droppedRowsLeaveAValidNumberingInEveryCut() {
        for (int step : new int[] {1, 3, 7, 1000}) {
            List<String> order = new ArrayList<>();
            PacketFilter dropRows = new PacketFilter("drop", order, (p, k) -> {
                if (k == ReplyPacketKind.ROW) {
                    p.release();
                    return Unpooled.EMPTY_BUFFER;
                }
                return p;
            });
            ReplyPackets path = ReplyPackets.of(client, 0, List.of(dropRows));
            path.begin(COM_QUERY);
            List<int[]> got = feed(path, resultSet(), step);
            assertThat(dropRows.seen).as("step " + step).containsExactly(ReplyPacketKind.COLUMN_COUNT,
                    ReplyPacketKind.COLUMN_DEFINITION, ReplyPacketKind.COLUMNS_END, ReplyPacketKind.ROW,
                    ReplyPacketKind.ROW, ReplyPacketKind.ROW, ReplyPacketKind.RESULT_END);
            assertThat(sequences(got)).as("step " + step).containsExactly(1, 2, 3, 4);
            assertThat(path.inReply()).isFalse();
            path.release();
        }
    }

    @Test
    void filtersRunNearestTheRouterFirstAndSeeEachPacketOfAReplacement() {
        List<String> order = new ArrayList<>();
        // The first filter of the chain just watches; the second (nearest the router) doubles every row.
        PacketFilter watcher = new PacketFilter("first", order, (p, k) -> p);
        PacketFilter doubler = new PacketFilter("second", order, (p, k) -> {
            if (k != ReplyPacketKind.ROW) {
                return p;
            }
            ByteBuf two = p.alloc().buffer().writeBytes(p, p.readerIndex(), p.readableBytes())
                    .writeBytes(p, p.readerIndex(), p.readableBytes());
            p.release();
            return two;
        });
        ReplyPackets path = ReplyPackets.of(client, 0, List.of(watcher, doubler));
        path.begin(COM_QUERY);
        List<int[]> got = feed(path, resultSet(), 5);
        assertThat(order.subList(0, 2)).containsExactly("second", "first");
        assertThat(watcher.seen.stream().filter(k -> k == ReplyPacketKind.ROW).count()).isEqualTo(6);
        assertThat(sequences(got)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        path.release();
    }

    @Test
    void aReplacementErrorIsSeenAsAnError() {
        List<String> order = new ArrayList<>();
        PacketFilter watcher = new PacketFilter("first", order, (p, k) -> p);
        PacketFilter failer = new PacketFilter("second", order, (p, k) -> {
            if (k != ReplyPacketKind.RESULT_END) {
                return p;
            }
            p.release();
            ByteBuf err = Unpooled.buffer();
            packet(err, 0, 0xFF, 0x87, 0x05, '#', '0', 'A', '0', '0', '0', 'x');
            return err;
        });
        ReplyPackets path = ReplyPackets.of(client, 0, List.of(watcher, failer));
        path.begin(COM_QUERY);
        List<int[]> got = feed(path, resultSet(), 64);
        assertThat(watcher.seen.get(watcher.seen.size() - 1)).isEqualTo(ReplyPacketKind.ERROR);
        assertThat(got.get(got.size() - 1)[2]).isEqualTo(0xFF);
        assertThat(sequences(got)).containsExactly(1, 2, 3, 4, 5, 6, 7);
        path.release();
    }

    @Test
    void theServersAnswerToALocalInfileKeepsItsNumber() {
        List<String> order = new ArrayList<>();
        ReplyPackets path = ReplyPackets.of(client, 0, List.of(new PacketFilter("f", order, (p, k) -> p)));
        path.begin(COM_QUERY);
        ByteBuf request = Unpooled.buffer();
        packet(request, 1, 0xFB, 'f');
        assertThat(sequences(feed(path, request, 100))).containsExactly(1);
        // The client sent the file as packets 2..4; the server answers with 5.
        ByteBuf ok = Unpooled.buffer();
        packet(ok, 5, 0, 0, 0, 2, 0, 0, 0);
        assertThat(sequences(feed(path, ok, 100))).containsExactly(5);
        path.release();
    }

    @Test
    void bytesAfterTheEndAreReleasedAndNoFilterMeansNoPath() {
        List<String> order = new ArrayList<>();
        ReplyPackets path = ReplyPackets.of(client, 0, List.of(new PacketFilter("f", order, (p, k) -> p)));
        path.begin(COM_QUERY);
        ByteBuf partial = Unpooled.buffer();
        packet(partial, 1, 1);
        partial.writeMediumLE(100).writeByte(2).writeByte(3);   // a packet cut short: held
        given.add(partial.retain());
        path.toClient(partial);
        path.release();                                       // the session ends mid-reply
        ByteBuf late = Unpooled.buffer().writeByte(1);
        given.add(late.retain());
        path.toClient(late);
        given.forEach(b -> {
            if (b.refCnt() > 0) {
                b.release();
            }
        });
        client.flush();
        ByteBuf out;
        while ((out = client.readOutbound()) != null) {
            out.release();
        }
        FilterSession plain = new FilterSession() {
            @Override
            public List<RouteHint> routeQuery(Command command) {
                return List.of();
            }
        };
        assertThat(ReplyPackets.of(client, 0, List.of(plain))).isNull();
        assertThat(ReplyPackets.of(client, 0, List.of())).isNull();
    }
}
