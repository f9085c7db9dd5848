package io.gatehouse.admin.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * A Logback appender keeping the most recent log entries in memory for {@code GET /v1/maxscale/logs/entries}. Any
 * thread that logs appends (Logback serialises {@link #append}); the admin thread reads copies. Each entry gets a
 * rising id so clients can page backwards from one. Holds no buffers.
 *
 * <p>The ring is bounded both by entry count and by the memory its text takes (1 MiB by default), oldest entries
 * leaving first, so a few huge messages cannot make it grow without limit; a message longer than a quarter of that
 * budget is kept shortened, with a note of its full length.
 */
public final class LogRing extends AppenderBase<ILoggingEvent> {
    /** One log entry, immutable. */
    public record Entry(long id, long timestampMillis, String level, String logger, String thread, String message) {
    }

    private static final String NAME = "gatehouse-admin-log-ring";
    private static final int CAPACITY = 5000;
    private static final long MAX_BYTES = 1024 * 1024;
    /** Bookkeeping per entry besides its text: the record, the strings' headers, the deque slot. */
    private static final int ENTRY_OVERHEAD = 128;
    private static volatile LogRing installed;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** Who hears of each new entry as it is appended ({@code /logs/stream}); called on the logging thread. */
    private final java.util.concurrent.CopyOnWriteArrayList<java.util.function.Consumer<Entry>> followers =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final int capacity;
    private final long maxBytes;
    private long bytes;
    private long nextId = 1;

    LogRing() {
        this(CAPACITY, MAX_BYTES);
    }

    LogRing(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /** The memory an entry's text takes, approximately (two bytes a character). */
    static long sizeOf(Entry e) {
        return ENTRY_OVERHEAD + 2L * (e.level().length() + e.logger().length() + e.thread().length()
                + e.message().length());
    }

    /**
     * The ring attached to Logback's root logger, attaching it on first call (again after a Logback reset removed
     * it); null when SLF4J is not bound to Logback.
     */
    public static synchronized LogRing install() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return null;
        }
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(NAME) instanceof LogRing ring && ring.isStarted()) {
            return ring;
        }
        LogRing ring = installed != null ? installed : new LogRing();
        ring.setContext(ctx);
        ring.setName(NAME);
        ring.start();
        root.addAppender(ring);
        installed = ring;
        return ring;
    }

    @Override
    protected void append(ILoggingEvent e) {
        String msg = e.getFormattedMessage();
        if (e.getThrowableProxy() != null) {
            msg = msg + ": " + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage();
        }
        int maxChars = (int) Math.min(Integer.MAX_VALUE, maxBytes / 8);
        if (msg.length() > maxChars) {
            msg = msg.substring(0, maxChars) + "... (" + msg.length() + " characters, shortened)";
        }
        Entry entry;
        synchronized (entries) {
            entry = new Entry(nextId++, e.getTimeStamp(), e.getLevel().toString(), String.valueOf(e.getLoggerName()),
                    String.valueOf(e.getThreadName()), msg);
            long size = sizeOf(entry);
            while (!entries.isEmpty() && (entries.size() >= capacity || bytes + size > maxBytes)) {
                bytes -= sizeOf(entries.removeFirst());
            }
            entries.addLast(entry);
            bytes += size;
        }
        for (java.util.function.Consumer<Entry> f : followers) {
            f.accept(entry);
        }
    }

    /**
     * Hands every entry appended from now on to {@code follower}, on the thread that logs it (the follower must only
     * hand it on, never block or log); closing the returned handle stops it.
     */
    public AutoCloseable follow(java.util.function.Consumer<Entry> follower) {
        followers.add(follower);
        return () -> followers.remove(follower);
    }

    /** The entries with an id above {@code after}, oldest first. */
    public List<Entry> after(long after) {
        List<Entry> out = new ArrayList<>();
        synchronized (entries) {
            for (Entry e : entries) {
                if (e.id() > after) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** Up to {@code max} newest entries with an id below {@code before} (0: no bound), oldest first. */
    public List<Entry> recent(int max, long before) {
        List<Entry> out = new ArrayList<>();
        synchronized (entries) {
            var it = entries.descendingIterator();
            while (it.hasNext() && out.size() < max) {
                Entry e = it.next();
                if (before <= 0 || e.id() < before) {
                    out.add(0, e);
                }
            }
        }
        return out;
    }
}
