package io.gatehouse.admin.resources;

import io.gatehouse.admin.http.ApiException;
import io.gatehouse.core.runtime.Runtime;
import java.util.List;
import java.util.Map;

/**
 * MaxScale's thread rebalancing requests: {@code POST /v1/maxscale/threads/:id/rebalance?sessions=N&recipient=M}
 * moves up to N idle sessions of worker :id to worker M, and {@code POST /v1/maxscale/threads/rebalance?threshold=T}
 * compares the workers' loads once as the periodic rebalancing does, with T (default {@code rebalance_threshold}).
 * Checked on the admin thread, run off it (the moves wait for the sessions' workers). Holds no buffers.
 */
public final class ThreadRebalance {
    private final Runtime rt;

    public ThreadRebalance(Runtime rt) {
        this.rt = rt;
    }

    /** Validates a one-thread request and returns the work that moves the sessions (how many moved). */
    public java.util.concurrent.Callable<Integer> one(String id, Map<String, List<String>> query) {
        int from = MaxScaleInfo.threadIndex(rt, id);
        int sessions = number(query, "sessions", 1, 1, Integer.MAX_VALUE);
        if (!query.containsKey("recipient")) {
            throw ApiException.badRequest("recipient: missing (expected: the id of an active thread to move the"
                    + " sessions to)");
        }
        int to = number(query, "recipient", -1, 0, rt.workers().max() - 1);
        if (!rt.workers().isActive(to)) {
            throw ApiException.badRequest("recipient: " + to + " (expected: an active thread, 0 to "
                    + (rt.workers().count() - 1) + "; threads=" + rt.workers().count() + ")");
        }
        if (to == from) {
            throw ApiException.badRequest("recipient: " + to + " (expected: a thread other than " + from + ")");
        }
        return () -> rt.balancer().move(from, sessions, to);
    }

    /** Validates an all-threads request and returns the work that rebalances once (how many sessions moved). */
    public java.util.concurrent.Callable<Integer> all(Map<String, List<String>> query) {
        int threshold = number(query, "threshold", -1, 0, 100);
        return () -> rt.balancer().rebalance(threshold >= 0 ? threshold : rt.balancer().threshold());
    }

    private static int number(Map<String, List<String>> query, String name, int absent, int min, int max) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return absent;
        }
        String text = values.get(0);
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw ApiException.badRequest(name + ": '" + text + "' (expected: an integer from " + min + " to " + max + ")");
    }
}
