package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.stats.StatementStats;
import io.gatehouse.core.stats.StatementTotals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * {@code GET /v1/statistics/statements[?top=N]} lists the statement statistics (one resource per canonical statement
 * and server, the N most executed statements, 50 by default, then the rest as {@code (other)}); {@code DELETE}
 * resets them. Runs on the admin thread, which waits for the routing workers to hand over their counts.
 */
public final class Statistics {
    /** Statements listed when the request names no {@code top}. */
    public static final int DEFAULT_TOP = 50;
    private final AdminContext ctx;

    public Statistics(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode statements(JsonApi api, String topParam) {
        int top = parseTop(topParam);
        List<ObjectNode> out = new ArrayList<>();
        for (StatementTotals t : totals(ctx.runtime(), top)) {
            String id = Long.toHexString(t.digest()) + "@" + t.server();
            ObjectNode res = api.resource(id, "statements", "statistics/statements");
            ObjectNode a = (ObjectNode) res.get("attributes");
            a.put("statement", t.statement());
            a.put("digest", String.format("%016x", t.digest()));
            a.put("server", t.server());
            a.put("count", t.count());
            a.put("errors", t.errors());
            a.put("rows", t.rows());
            a.put("first_seen", Instant.ofEpochMilli(t.firstSeenMillis()).toString());
            a.put("last_seen", Instant.ofEpochMilli(t.lastSeenMillis()).toString());
            latency(a.putObject("latency"), t.latency());
            out.add(res);
        }
        return api.collection(out, "statistics/statements");
    }

    public void reset() {
        StatementStats stats = enabled(ctx.runtime());
        stats.reset(ctx.runtime().workers().inUse());
    }

    /** The merged totals, the {@code top} most executed first; refused when the statistics are off. */
    public static List<StatementTotals> totals(Runtime rt, int top) {
        return enabled(rt).snapshot(rt.workers().workers(), top);
    }

    private static StatementStats enabled(Runtime rt) {
        StatementStats stats = rt.statementStats();
        if (stats == null) {
            throw new ApiException(409, "statement statistics are off: set statement_statistics=true in the"
                    + " [maxscale] section to count statements");
        }
        return stats;
    }

    /** Latency summary in milliseconds: mean, min, max and the usual percentiles. */
    private static void latency(ObjectNode l, Histogram h) {
        l.put("unit", "ms");
        l.put("min", h.getMinValue() / 1000.0);
        l.put("mean", Math.round(h.getMean()) / 1000.0);
        l.put("max", h.getMaxValue() / 1000.0);
        l.put("p50", h.getValueAtPercentile(50) / 1000.0);
        l.put("p90", h.getValueAtPercentile(90) / 1000.0);
        l.put("p99", h.getValueAtPercentile(99) / 1000.0);
        l.put("p999", h.getValueAtPercentile(99.9) / 1000.0);
    }

    private static int parseTop(String s) {
        if (s == null) {
            return DEFAULT_TOP;
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw ApiException.badRequest("top: '" + s + "' (expected: a count of statements, 0 or more)");
    }
}
