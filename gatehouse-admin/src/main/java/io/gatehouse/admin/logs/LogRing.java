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
 */
public final class LogRing extends AppenderBase<ILoggingEvent> {
    /** One log entry, immutable. */
    public record Entry(long id, long timestampMillis, String level, String logger, String thread, String message) {
    }

    private static final String NAME = "gatehouse-admin-log-ring";
    private static final int CAPACITY = 5000;
    private static volatile LogRing installed;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId = 1;

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
        Entry entry;
        synchronized (entries) {
            entry = new Entry(nextId++, e.getTimeStamp(), e.getLevel().toString(), e.getLoggerName(), e.getThreadName(), msg);
            if (entries.size() == CAPACITY) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }
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
