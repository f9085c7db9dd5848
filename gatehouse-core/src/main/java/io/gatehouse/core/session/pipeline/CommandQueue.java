package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.ClientSession;
import io.netty.buffer.ByteBuf;
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
    /** The protocol module's frame decoder: linear however the bytes are split, limits checked from headers. */
    private final io.gatehouse.protocol.frame.PacketAccumulator frames;
    private final ArrayDeque<ByteBuf> parked = new ArrayDeque<>();
    private long parkedBytes;

    CommandQueue(ClientSession session) {
        this.session = session;
        this.frames = new io.gatehouse.protocol.frame.PacketAccumulator(session.clientChannel().alloc(),
                session.maxPacketSize());
    }

    /** Client bytes held here: the start of a command still arriving plus the commands parked; worker thread. */
    long bufferedBytes() {
        return frames.bufferedBytes() + parkedBytes;
    }

    /** Appends client bytes; takes ownership of {@code in}. */
    void add(ByteBuf in) {
        frames.add(in);
    }

    /**
     * The next whole command (owned by the caller), or null when more bytes are needed: one packet, header included,
     * or the packets of a command of 16 MiB or more joined in one buffer. While a LOCAL INFILE's contents arrive,
     * each packet is returned on its own and no limit applies (the server applies none to the file either).
     *
     * @param rawData true while the client sends a LOCAL INFILE's contents
     * @throws TooLarge when the packet would take the command over {@code max_packet_size}; all is dropped
     */
    ByteBuf next(boolean rawData) throws TooLarge {
        try {
            if (rawData) {
                frames.maxPayload(Long.MAX_VALUE);
                return frames.next();
            }
            frames.maxPayload(session.maxPacketSize());
            return frames.nextCommand();
        } catch (io.gatehouse.protocol.PacketTooLargeException e) {
            release();
            throw new TooLarge(e.sequence(), e.payloadLength());
        }
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
        return parked.isEmpty() && frames.bufferedBytes() == 0;
    }

    void release() {
        frames.release();
        ByteBuf b;
        while ((b = parked.pollFirst()) != null) {
            b.release();
        }
        parkedBytes = 0;
    }
}
