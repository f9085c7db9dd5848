package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.frame.PacketAccumulator;
import io.gatehouse.protocol.frame.PacketSequence;
import io.gatehouse.protocol.reply.ReplyPacketClassifier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply-packet path of a session whose filter chain has filters that look at reply packets
 * ({@link FilterSession#needsReplyPackets()}): every byte a router sends to the client is cut into whole wire
 * packets, each is classified, passed through those filters' {@link FilterSession#replyPacket} nearest-the-router
 * first, and what is left is renumbered and written to the client (or, in a child session of a service reached as
 * a target, handed to the parent router through a sink). Sessions without such filters never create one,
 * so their replies keep going on as whole chunks. Confined to the session's worker thread; it owns every chunk it is
 * handed until the client channel takes it, and the partial packet it holds between reads (at most one wire packet,
 * 16 MiB, whatever the reply's size, so back-pressure on the client channel still bounds the session's memory).
 */
public final class ReplyPackets {
    private final io.netty.buffer.ByteBufAllocator alloc;
    /** Where renumbered packets go (owned by it from the call on). */
    private final java.util.function.Consumer<ByteBuf> sink;
    private final long capabilities;
    /** The filters that asked for packets, in reverse chain order. */
    private final List<FilterSession> filters;
    private final PacketAccumulator framer;
    private final ReplyPacketClassifier classifier = new ReplyPacketClassifier();
    /** The sequence number the next packet to the client gets. */
    private int nextSequence;
    /** The next packet starts a new numbering: the first of a reply, or the server's answer to a LOCAL INFILE. */
    private boolean rebase = true;

    private ReplyPackets(io.netty.buffer.ByteBufAllocator alloc, java.util.function.Consumer<ByteBuf> sink,
                         long capabilities, List<FilterSession> filters) {
        this.alloc = alloc;
        this.sink = sink;
        this.capabilities = capabilities;
        this.filters = filters;
        // Wire packets are at most 16 MiB - 1 bytes of payload: the framer never refuses one.
        this.framer = new PacketAccumulator(alloc, Packets.MAX_PAYLOAD);
    }

    /** The path for {@code chain} (asking each filter once), or null when no filter of it wants reply packets. */
    static ReplyPackets of(Channel client, long capabilities, List<FilterSession> chain) {
        return of(client.alloc(), b -> client.write(b, client.voidPromise()), capabilities, chain);
    }

    /** The path for {@code chain} with its packets going to {@code sink}, or null when no filter wants packets. */
    public static ReplyPackets of(io.netty.buffer.ByteBufAllocator alloc, java.util.function.Consumer<ByteBuf> sink,
                                  long capabilities, List<FilterSession> chain) {
        List<FilterSession> wanting = new ArrayList<>();
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (chain.get(i).needsReplyPackets()) {
                wanting.add(chain.get(i));
            }
        }
        return wanting.isEmpty() ? null : new ReplyPackets(alloc, sink, capabilities, List.copyOf(wanting));
    }

    /** A command whose reply comes next went to the router; {@code command} is its command byte. */
    public void begin(int command) {
        classifier.begin(command, capabilities);
        rebase = true;
    }

    /** True while the reply of the last command begun has not ended. */
    boolean inReply() {
        return classifier.inReply();
    }

    /** Reply bytes for the client, in any cut; owned here from the call on. */
    public void toClient(ByteBuf chunk) {
        framer.add(chunk);
        ByteBuf packet;
        while ((packet = framer.next()) != null) {
            onPacket(packet);
        }
    }

    private void onPacket(ByteBuf packet) {
        ReplyPacketKind kind;
        try {
            kind = classifier.classify(packet);
        } catch (RuntimeException e) {
            packet.release();
            throw e;
        }
        if (rebase) {
            nextSequence = Packets.sequence(packet, packet.readerIndex());
            rebase = false;
        }
        // The client numbers the file it sends after the request; the server's answer continues from there.
        rebase = kind == ReplyPacketKind.LOCAL_INFILE_REQUEST;
        ByteBuf out = through(0, packet, kind);
        if (out.isReadable()) {
            nextSequence = PacketSequence.renumber(out, nextSequence);
            sink.accept(out);
        } else {
            out.release();
        }
    }

    /**
     * Passes {@code packet} (owned) through the filters from index {@code i} on and returns what is left (owned by
     * the caller). When a filter returns several packets, each goes on to the next filter on its own.
     */
    private ByteBuf through(int i, ByteBuf packet, ReplyPacketKind kind) {
        ByteBuf out = packet;
        for (; i < filters.size(); i++) {
            ByteBuf given = out;
            out = filters.get(i).replyPacket(given, kind);
            if (out == null) {
                out = alloc.buffer(0, 0);
            }
            if (out == given || !out.isReadable()) {
                continue;
            }
            int first = out.readerIndex();
            int size = Packets.HEADER_SIZE + Packets.payloadLength(out, first);
            if (size >= out.readableBytes()) {
                kind = kindOf(out, kind);
                continue;
            }
            return split(i + 1, out, kind);
        }
        return out;
    }

    /** Sends each packet of {@code several} (owned) through the filters from {@code i} on; returns them joined. */
    private ByteBuf split(int i, ByteBuf several, ReplyPacketKind kind) {
        CompositeByteBuf joined = alloc.compositeBuffer(Integer.MAX_VALUE);
        try {
            int at = several.readerIndex();
            int end = several.writerIndex();
            while (end - at >= Packets.HEADER_SIZE) {
                int size = Math.min(end - at, Packets.HEADER_SIZE + Packets.payloadLength(several, at));
                ByteBuf one = several.retainedSlice(at, size);
                joined.addComponent(true, through(i, one, kindOf(one, kind)));
                at += size;
            }
        } finally {
            several.release();
        }
        return joined;
    }

    /** A packet a filter made in place of one of {@code kind}: an ERR packet is an error, anything else keeps it. */
    private static ReplyPacketKind kindOf(ByteBuf packet, ReplyPacketKind kind) {
        int at = packet.readerIndex() + Packets.HEADER_SIZE;
        return packet.writerIndex() > at && packet.getUnsignedByte(at) == 0xFF ? ReplyPacketKind.ERROR : kind;
    }

    /** The session ends: the partial packet held is freed, and later chunks are released on arrival. */
    public void release() {
        framer.release();
    }
}
