package io.gatehouse.core.stats;

import org.HdrHistogram.Histogram;

/**
 * The statistics of one canonical statement on one server, merged from the workers: a value read by the admin
 * thread. The histogram (latencies in microseconds) is a private copy, its owner's to change.
 *
 * @param statement       the canonical form (literals as {@code ?}), a command name for commands without SQL,
 *                        or {@link StatementStats#OTHER}
 * @param digest          the classifier's 64-bit digest of the canonical form, 0 for the others
 * @param server          the server whose reply the client got
 * @param count           statements answered
 * @param errors          of those, answered with an error
 * @param rows            rows of their result sets
 * @param latency         from the command's arrival to the end of its reply, in microseconds
 * @param firstSeenMillis wall-clock time of the first one
 * @param lastSeenMillis  wall-clock time of the last one
 */
public record StatementTotals(String statement, long digest, String server, long count, long errors, long rows,
                              Histogram latency, long firstSeenMillis, long lastSeenMillis) {

    /** These totals plus {@code o}'s (same statement and server), as a new value. */
    StatementTotals plus(StatementTotals o) {
        Histogram h = latency.copy();
        h.add(o.latency);
        return new StatementTotals(statement, digest, server, count + o.count, errors + o.errors, rows + o.rows, h,
                Math.min(firstSeenMillis, o.firstSeenMillis), Math.max(lastSeenMillis, o.lastSeenMillis));
    }

    /** The same totals under another statement name (folding into the "other" bucket). */
    StatementTotals as(String name, long newDigest) {
        return new StatementTotals(name, newDigest, server, count, errors, rows, latency, firstSeenMillis,
                lastSeenMillis);
    }
}
