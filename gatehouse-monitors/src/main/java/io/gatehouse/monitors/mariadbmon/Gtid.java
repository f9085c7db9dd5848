package io.gatehouse.monitors.mariadbmon;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID list such as {@code 0-1-57,1-3-9} as it appears in {@code gtid_current_pos}, {@code gtid_binlog_pos},
 * {@code gtid_binlog_state} or {@code Gtid_IO_Pos}, with the comparisons failover, switchover and rejoin need.
 * Immutable and thread-safe; no buffers. Text that does not parse yields the parts that do: a monitor must never fail
 * on a strange value, it only becomes more careful.
 */
final class Gtid {
    /** One GTID: replication domain, originating server, sequence number. */
    record Triple(long domain, long serverId, long seq) {
        @Override
        public String toString() {
            return domain + "-" + serverId + "-" + seq;
        }
    }

    static final Gtid EMPTY = new Gtid(List.of());

    private final List<Triple> triples;

    private Gtid(List<Triple> triples) {
        this.triples = triples;
    }

    static Gtid parse(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        List<Triple> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] f = part.trim().split("-");
            if (f.length != 3) {
                continue;
            }
            try {
                out.add(new Triple(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
            } catch (NumberFormatException e) {
                // Skip a garbled element and keep the rest.
            }
        }
        return new Gtid(Collections.unmodifiableList(out));
    }

    List<Triple> triples() {
        return triples;
    }

    boolean isEmpty() {
        return triples.isEmpty();
    }

    /** The highest sequence number this list holds for {@code domain}, or -1 when it has none. */
    long seq(long domain) {
        long best = -1;
        for (Triple t : triples) {
            if (t.domain() == domain) {
                best = Math.max(best, t.seq());
            }
        }
        return best;
    }

    /** Highest sequence per domain. */
    Map<Long, Long> byDomain() {
        Map<Long, Long> m = new TreeMap<>();
        for (Triple t : triples) {
            m.merge(t.domain(), t.seq(), Math::max);
        }
        return m;
    }

    /** True when, in every domain of {@code other}, this list has reached at least the same sequence number. */
    boolean covers(Gtid other) {
        for (Map.Entry<Long, Long> e : other.byDomain().entrySet()) {
            if (seq(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The first GTID of {@code other} this list has not reached, or null when it covers all of them. */
    Triple firstMissing(Gtid other) {
        for (Triple t : other.triples) {
            if (seq(t.domain()) < t.seq()) {
                return t;
            }
        }
        return null;
    }

    /** The sum of the per-domain sequence numbers: a total order good enough to rank candidates of one cluster. */
    long total() {
        long sum = 0;
        for (long s : byDomain().values()) {
            sum += s;
        }
        return sum;
    }

    /**
     * Why a server at position {@code this} cannot replicate from a primary whose binlog state is {@code state}, or
     * null when it can. Each GTID the server has must be in the primary's history: the primary's domain must have
     * reached that sequence, and the primary must hold the same GTID's origin at least that far, otherwise the
     * server wrote or received transactions the primary never had (a diverged history).
     */
    String divergenceFrom(Gtid primaryState) {
        for (Triple t : triples) {
            long primarySeq = primaryState.seq(t.domain());
            if (primarySeq < t.seq()) {
                return "it has GTID " + t + " but the primary's domain " + t.domain() + " is only at " + primarySeq;
            }
            long fromSameOrigin = -1;
            for (Triple p : primaryState.triples) {
                if (p.domain() == t.domain() && p.serverId() == t.serverId()) {
                    fromSameOrigin = Math.max(fromSameOrigin, p.seq());
                }
            }
            if (fromSameOrigin < t.seq()) {
                return "it has GTID " + t + " which is not in the primary's binlog history (the primary's last GTID from server "
                        + t.serverId() + " in domain " + t.domain() + " is "
                        + (fromSameOrigin < 0 ? "none" : t.domain() + "-" + t.serverId() + "-" + fromSameOrigin) + ")";
            }
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Triple t : triples) {
            sb.append(sb.length() == 0 ? "" : ",").append(t);
        }
        return sb.toString();
    }
}
