package io.gatehouse.protocol;

/**
 * Thrown when bytes on the wire do not follow the MariaDB protocol: a packet that is too short, a field with a value
 * the protocol does not allow, or a length that runs past the end of its packet. Immutable; thrown on whatever thread
 * was decoding, and never holds a reference to the buffer it was decoding.
 *
 * <p>Messages have the form {@code field: value (expected: rule)} so that a log line says exactly which field of
 * which packet was wrong. Open for {@link PacketTooLargeException}, which also carries the refused header's numbers.
 */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Builds the standard {@code field: value (expected: rule)} message. */
    public static ProtocolException field(String field, Object value, String rule) {
        return new ProtocolException(field + ": " + value + " (expected: " + rule + ")");
    }

    /** A packet ended before {@code field} was complete. */
    public static ProtocolException truncated(String field, int needed, int available) {
        return field(field, available + " bytes left", "at least " + needed + " bytes");
    }
}
