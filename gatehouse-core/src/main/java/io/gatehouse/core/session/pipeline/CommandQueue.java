package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayDeque;

/**
 * The client's bytes on their way to becoming whole commands, and the commands that arrived while another one runs,
 * for the packet path of {@link SessionPipeline}. Memory stays bounded: bytes accumulate in amortised linear time
 * (a packet that arrives in many small reads is never re-copied whole), a packet over {@code max_packet_size} is
 * refused from its header, and once the parked commands pass {@code writeq_high_water} the session stops reading
 * from the client until they drain below {@code writeq_low_water}. Confined to the session's worker thread; it owns
 * everything it holds and hands each packet or command it returns to the caller.
 */
final class CommandQueue {

    /** A packet header announced a command over the listener's limit; nothing of it was buffered. */
    static final class TooLarge extends Exception {
        private final int sequence;
        private final long size;

        TooLarge(int sequence, long size) {
            super(null, null, false, false);
            this.sequence = sequence;
            this.size = size;
        }

        int sequence() {
            return sequence;
        }

        long size() {
            return size;
        }
    }

    private final ClientSession session;
    private ByteBuf cumulation;
    /** The packets so far of a command of 16 MiB or more. */
    private CompositeByteBuf multi;
    private final ArrayDeque<ByteBuf> parked = new ArrayDeque<>();
    private long parkedBytes;

    CommandQueue(ClientSession session) {
        this.session = session;
    }

    /** Appends client bytes; takes ownership of {@code in}. */
    void add(ByteBuf in) {
        // Netty's merge cumulator writes into the existing buffer and grows it geometrically.
        cumulation = cumulation == null ? in
                : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(session.clientChannel().alloc(), cumulation, in);
    }

    /**
     * The next whole packet (header included, owned by the caller), or null when more bytes are needed.
     *
     * @param rawData true while the client sends a LOCAL INFILE's contents, which no command limit applies to
     * @throws TooLarge when the packet would take the command over {@code max_packet_size}; all is dropped
     */
    ByteBuf nextPacket(boolean rawData) throws TooLarge {
        if (cumulation == null || cumulation.readableBytes() < 4) {
            return null;
        }
        int r = cumulation.readerIndex();
        int len = cumulation.getUnsignedMediumLE(r);
        long size = (multi == null ? 0 : multi.readableBytes() - 4L * multi.numComponents()) + len;
        if (!rawData && size > session.maxPacketSize()) {
            int seq = cumulation.getUnsignedByte(r + 3);
            release();
            throw new TooLarge(seq, size);
        }
        if (cumulation.readableBytes() < 4 + len) {
            return null;
        }
        ByteBuf packet = cumulation.readRetainedSlice(4 + len);
        if (!cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
        }
        return packet;
    }

    /**
     * Joins the packets of a command of 16 MiB or more: returns the whole command (owned by the caller) once its
     * last packet came, or null while more follow. A command of one packet is returned as it is.
     */
    ByteBuf join(ByteBuf packet, int len) {
        if (multi == null && len != Packets.MAX_PAYLOAD) {
            return packet;
        }
        if (multi == null) {
            multi = session.clientChannel().alloc().compositeBuffer(Integer.MAX_VALUE);
        }
        multi.addComponent(true, packet);
        if (len == Packets.MAX_PAYLOAD) {
            return null;
        }
        ByteBuf whole = multi;
        multi = null;
        return whole;
    }

    /** Keeps a command until the one running is done; past the high-water mark the client is not read. */
    void park(ByteBuf command) {
        parked.addLast(command);
        parkedBytes += command.readableBytes();
        if (parkedBytes > session.proxy().writeqHighWater()) {
            session.blockReads(ClientSession.QUEUE_FULL, true);
        }
    }

    /** The oldest parked command (owned by the caller), or null. */
    ByteBuf unpark() {
        ByteBuf next = parked.pollFirst();
        if (next != null) {
            parkedBytes -= next.readableBytes();
            if (parkedBytes <= session.proxy().writeqLowWater()) {
                session.blockReads(ClientSession.QUEUE_FULL, false);
            }
        }
        return next;
    }

    /** True when nothing is half-read or waiting. */
    boolean isEmpty() {
        return parked.isEmpty() && cumulation == null && multi == null;
    }

    void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (multi != null) {
            multi.release();
            multi = null;
        }
        ByteBuf b;
        while ((b = parked.pollFirst()) != null) {
            b.release();
        }
        parkedBytes = 0;
    }
}
