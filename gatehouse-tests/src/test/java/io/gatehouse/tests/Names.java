package io.gatehouse.tests;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes schema object names that no other run of a suite uses, so suites can share one server, run repeatedly and
 * in any order; stateless apart from a counter, safe from any thread.
 */
final class Names {
    private static final AtomicLong COUNTER = new AtomicLong();
    /** Distinguishes test JVMs that run against the same server one after another. */
    private static final String RUN = Long.toString(ProcessHandle.current().pid(), 36)
            + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    private Names() {
    }

    /** {@code prefix} plus a suffix unique to this JVM run and call; at most 40 characters for a short prefix. */
    static String unique(String prefix) {
        return "gh_" + prefix + "_" + RUN + "_" + COUNTER.incrementAndGet();
    }
}
