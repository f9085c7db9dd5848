package io.gatehouse.core.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One worker's statement statistics: per canonical statement and per server, the count, errors, rows, a latency
 * histogram and when it was first and last seen. Confined to its worker thread (written by the sessions it runs,
 * read and cleared by tasks submitted to the same thread), so nothing here is locked. Bounded: past
 * {@code limit} distinct statements, new ones count under {@link StatementStats#OTHER}. Holds no buffers.
 */
final class WorkerStatements {
    /** Latencies are kept in microseconds up to an hour; longer ones count as an hour. */
    static final long MAX_MICROS = 3_600_000_000L;

    private final int limit;
    private final Map<String, Statement> statements = new HashMap<>();

    WorkerStatements(int limit) {
        this.limit = limit;
    }

    /** Counters of one statement on one server; mutated only on the owning worker. */
    static final class Counters {
        final String server;
        long count;
        long errors;
        long rows;
        long firstSeenMillis;
        long lastSeenMillis;
        final Histogram latency = newHistogram();

        Counters(String server) {
            this.server = server;
        }
    }

    /** A statement's counters, one per server it went to (a handful: a list scanned by identity first). */
    private static final class Statement {
        final long digest;
        final List<Counters> servers = new ArrayList<>(2);

        Statement(long digest) {
            this.digest = digest;
        }

        Counters on(String server) {
            for (int i = 0; i < servers.size(); i++) {
                Counters c = servers.get(i);
                if (c.server == server || c.server.equals(server)) {
                    return c;
                }
            }
            Counters c = new Counters(server);
            servers.add(c);
            return c;
        }
    }

    /** An auto-resizing histogram with two significant digits: small while latencies are, no fixed hour-wide array. */
    static Histogram newHistogram() {
        Histogram h = new Histogram(2);
        h.setAutoResize(true);
        return h;
    }

    void record(String statement, long digest, String server, boolean error, long rows, long nanos) {
        Statement s = statements.get(statement);
        if (s == null) {
            if (statements.size() >= limit) {
                statement = StatementStats.OTHER;
                digest = 0;
                s = statements.get(statement);
            }
            if (s == null) {
                s = new Statement(digest);
                statements.put(statement, s);
            }
        }
        Counters c = s.on(server);
        long now = System.currentTimeMillis();
        if (c.count == 0) {
            c.firstSeenMillis = now;
        }
        c.lastSeenMillis = now;
        c.count++;
        if (error) {
            c.errors++;
        }
        c.rows += rows;
        c.latency.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
    }

    /** A copy of everything (on the worker thread), for merging elsewhere. */
    List<StatementTotals> copy() {
        List<StatementTotals> out = new ArrayList<>();
        statements.forEach((text, s) -> {
            for (Counters c : s.servers) {
                out.add(new StatementTotals(text, s.digest, c.server, c.count, c.errors, c.rows, c.latency.copy(),
                        c.firstSeenMillis, c.lastSeenMillis));
            }
        });
        return out;
    }

    void clear() {
        statements.clear();
    }
}
