package io.gatehouse.api.filter;

/**
 * Where the reply the client got for one command came from, as the core measured it while forwarding: for
 * filters that log or time replies. Immutable.
 *
 * @param server          the name of the server whose reply went to the client, or empty when none did
 * @param bytes           the reply's size in bytes as forwarded to the client, packet headers included
 * @param firstReplyNanos {@link System#nanoTime()} when the first byte of the reply went to the client, or 0 when
 *                        unknown
 */
public record ReplyOrigin(String server, long bytes, long firstReplyNanos) {
    /** Nothing known about the origin. */
    public static final ReplyOrigin UNKNOWN = new ReplyOrigin("", 0, 0);
}
