package io.gatehouse.protocol;

/**
 * Thrown when a packet header announces a payload above the accepted limit, before any of that payload is buffered;
 * carries the header's sequence number so that the caller can answer with an error packet in sequence (MariaDB
 * answers {@code ER_NET_PACKET_TOO_LARGE}, 1153, and closes the connection). Immutable; thrown on the thread that
 * was framing, and holds no buffer.
 */
public final class PacketTooLargeException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final long payloadLength;
    private final long limit;
    private final int sequence;

    /**
     * @param payloadLength the payload length refused: one packet's, or a multi-packet command's joined length
     *                      including the packet whose header was just read
     * @param limit         the largest payload length accepted
     * @param sequence      the sequence number of the refused packet's header
     */
    public PacketTooLargeException(long payloadLength, long limit, int sequence) {
        super("payload length: " + payloadLength + " (expected: at most " + limit
                + " bytes, the largest packet accepted)");
        this.payloadLength = payloadLength;
        this.limit = limit;
        this.sequence = sequence;
    }

    public long payloadLength() {
        return payloadLength;
    }

    public long limit() {
        return limit;
    }

    public int sequence() {
        return sequence;
    }
}
