package io.gatehouse.routers.readwritesplit;

import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID position ({@code domain-server-sequence} triples joined by commas, as {@code @@last_gtid},
 * {@code @@gtid_binlog_pos} and {@code @@gtid_current_pos} print it), keeping one sequence number per replication
 * domain. Immutable, so any thread may share one; holds no buffers. Unreadable parts are skipped (a position is
 * a hint for routing, and a server never prints a bad one).
 */
final class GtidPosition {
    static final GtidPosition EMPTY = new GtidPosition(new TreeMap<>());

    /** domain to {server_id, sequence}. */
    private final TreeMap<Long, long[]> domains;

    private GtidPosition(TreeMap<Long, long[]> domains) {
        this.domains = domains;
    }

    static GtidPosition parse(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        TreeMap<Long, long[]> m = new TreeMap<>();
        for (String part : text.split(",")) {
            String[] f = part.trim().split("-");
            if (f.length != 3) {
                continue;
            }
            try {
                long domain = Long.parseLong(f[0]);
                long server = Long.parseLong(f[1]);
                long seq = Long.parseLong(f[2]);
                long[] old = m.get(domain);
                if (old == null || seq > old[1]) {
                    m.put(domain, new long[] {server, seq});
                }
            } catch (NumberFormatException e) {
                // Not a GTID triple: skipped, see the class comment.
            }
        }
        return m.isEmpty() ? EMPTY : new GtidPosition(m);
    }

    boolean isEmpty() {
        return domains.isEmpty();
    }

    /** True when this position has every transaction {@code target} names: each domain at least as far. */
    boolean covers(GtidPosition target) {
        for (Map.Entry<Long, long[]> e : target.domains.entrySet()) {
            long[] mine = domains.get(e.getKey());
            if (mine == null || mine[1] < e.getValue()[1]) {
                return false;
            }
        }
        return true;
    }

    /** The later of the two positions in each domain. */
    GtidPosition merge(GtidPosition other) {
        if (other.isEmpty() || covers(other)) {
            return this;
        }
        TreeMap<Long, long[]> m = new TreeMap<>(domains);
        other.domains.forEach((d, v) -> {
            long[] mine = m.get(d);
            if (mine == null || mine[1] < v[1]) {
                m.put(d, v);
            }
        });
        return new GtidPosition(m);
    }

    /** The position as MariaDB writes it, for {@code MASTER_GTID_WAIT}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        domains.forEach((d, v) -> sb.append(sb.length() == 0 ? "" : ",").append(d).append('-').append(v[0])
                .append('-').append(v[1]));
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GtidPosition g && toString().equals(g.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
