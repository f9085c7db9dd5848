package io.gatehouse.core.session;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/**
 * MaxScale's {@code retain_last_statements}: the last statements a session received (SQL of COM_QUERY and
 * COM_STMT_PREPARE), with when each arrived and when its reply ended, for the admin API's session view and for
 * {@code dump_last_statements}. Written by the session's worker, read by the admin thread: methods synchronize on
 * this object, which is touched once per statement only when retaining is on. Holds no buffers.
 */
public final class StatementHistory {
    /** When the retained statements are written to the log: {@code dump_last_statements}. */
    public enum Dump {
        NEVER, ON_CLOSE, ON_ERROR;

        public static Dump parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * The global settings: {@code retain_last_statements} and {@code dump_last_statements}; a service's own
     * {@code retain_last_statements} of 0 or more replaces the global count.
     */
    public record Policy(int retain, Dump dump) {
        public static final Policy OFF = new Policy(0, Dump.NEVER);

        /** The count for a service whose own setting is {@code serviceRetain} (-1: not set). */
        public int retainFor(long serviceRetain) {
            return serviceRetain >= 0 ? (int) Math.min(serviceRetain, 10_000) : retain;
        }
    }

    private final int capacity;
    private final ArrayDeque<SessionSnapshot.Statement> entries;

    public StatementHistory(int capacity) {
        this.capacity = Math.max(0, capacity);
        this.entries = new ArrayDeque<>(Math.min(this.capacity, 64));
    }

    /** True when statements are kept at all. */
    public boolean enabled() {
        return capacity > 0;
    }

    /** A statement arrived; the oldest is dropped when the history is full. */
    public synchronized void received(String sql) {
        if (capacity == 0) {
            return;
        }
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(new SessionSnapshot.Statement(sql, System.currentTimeMillis(), 0));
    }

    /** The reply to the newest statement ended (a command that was not a statement leaves it unchanged). */
    public void completed() {
        if (capacity == 0) {
            return;                     // called for every command: no lock taken when nothing is retained
        }
        synchronized (this) {
            SessionSnapshot.Statement last = entries.peekLast();
            if (last != null && last.completedMillis() == 0) {
                entries.removeLast();
                entries.addLast(new SessionSnapshot.Statement(last.sql(), last.receivedMillis(),
                        System.currentTimeMillis()));
            }
        }
    }

    /** The characters of the retained statements' SQL (each entry's times and references not counted). */
    public synchronized long bytes() {
        long n = 0;
        for (SessionSnapshot.Statement e : entries) {
            n += e.sql().length();
        }
        return n;
    }

    /** The retained statements, oldest first; any thread. */
    public synchronized List<SessionSnapshot.Statement> entries() {
        return List.copyOf(entries);
    }

    /** Writes the retained statements of session {@code id} to the log as it ends, as {@code dump} asks. */
    void logAtEnd(long id, Dump dump, boolean error) {
        if (dump == Dump.NEVER || (dump == Dump.ON_ERROR && !error) || !enabled()) {
            return;
        }
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClientSession.class);
        int n = 0;
        for (SessionSnapshot.Statement e : entries()) {
            log.info("Session {}, stmt {}: {}", id, ++n, e.sql());
        }
    }
}
