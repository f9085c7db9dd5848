package io.gatehouse.protocol.reply;

import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;

/**
 * Tells what each whole packet of a reply is ({@link ReplyPacketKind}), for the packets a proxy passes to filters
 * that look at replies packet by packet; it follows the reply with the same {@link ReplyState} machine as
 * {@link ReplyTracker}, so both agree on every reply shape. Confined to one session's thread; it reads the packets
 * it is shown without moving their indexes, keeping or releasing them.
 *
 * <p>Start each command's reply with {@link #begin}, then show every packet of it in order with {@link #classify}.
 * A packet of 16 MiB or more arrives as several wire packets: each piece gets the kind of its first piece.
 */
public final class ReplyPacketClassifier {
    /** The most bytes of one packet copied to read it: terminators and errors are small, rows need one byte. */
    private static final int MAX_INSPECT = 64 * 1024;

    private final ReplyState state = new ReplyState();
    private byte[] inspect = new byte[64];
    private long capabilities;
    /** The previous wire packet was a full 16 MiB piece: the next one continues it. */
    private boolean continuation;
    private ReplyPacketKind continuationKind = ReplyPacketKind.OTHER;

    /**
     * A command was sent whose reply follows. {@code command} is its first payload byte; {@code capabilities} those
     * the reply was made for (DEPRECATE_EOF and MariaDB's metadata cache change its shape).
     */
    public void begin(int command, long capabilities) {
        this.capabilities = capabilities;
        state.begin(command, capabilities);
        continuation = false;
    }

    /** True while the reply of the last {@link #begin} has not ended. */
    public boolean inReply() {
        return state.active() || continuation;
    }

    /** Forgets the reply under way; later packets are {@link ReplyPacketKind#OTHER} until the next begin. */
    public void reset() {
        state.clear();
        continuation = false;
    }

    /**
     * The kind of one whole wire packet ({@code packet}'s readable bytes, header included) of the current reply;
     * advances the reply's state. Packets after the reply ended, or with no reply begun, are
     * {@link ReplyPacketKind#OTHER}.
     */
    public ReplyPacketKind classify(ByteBuf packet) {
        int at = packet.readerIndex();
        if (packet.readableBytes() < Packets.HEADER_SIZE) {
            throw new IllegalArgumentException("packet: " + packet.readableBytes()
                    + " bytes (expected: at least the 4-byte header)");
        }
        int len = Packets.payloadLength(packet, at);
        boolean piece = continuation;
        continuation = len == Packets.MAX_PAYLOAD;
        if (piece) {
            return continuationKind;
        }
        ReplyPacketKind kind = ReplyPacketKind.OTHER;
        if (state.active()) {
            int avail = Math.min(len, packet.readableBytes() - Packets.HEADER_SIZE);
            int n = avail == 0 ? 0 : 1;
            if (n > 0) {
                inspect[0] = packet.getByte(at + Packets.HEADER_SIZE);
                n = Math.min(Math.max(1, Math.min(state.bytesWanted(inspect[0] & 0xFF, len), MAX_INSPECT)), avail);
                if (inspect.length < n) {
                    inspect = new byte[Math.max(n, inspect.length * 2)];
                }
                packet.getBytes(at + Packets.HEADER_SIZE, inspect, 0, n);
            }
            kind = state.kindOf(inspect, n, len);
            if (state.onPacket(inspect, n, len, capabilities)) {
                state.clear();
            }
        }
        continuationKind = kind;
        return kind;
    }
}
