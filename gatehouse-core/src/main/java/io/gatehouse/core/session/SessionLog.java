package io.gatehouse.core.session;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MaxScale's {@code session_trace} for one session: the last log lines produced while its worker handled it (the
 * levels that the log settings do not write included), kept in memory, shown by the admin API ({@code log}) and
 * written to the log when the session ends without the client's COM_QUIT or when a line matches
 * {@code session_trace_match}. The ring is confined to the session's worker: the worker marks the session it is
 * handling ({@link #enter}/{@link #exit}), the log filter adds lines on that thread, and {@link #exit} publishes an
 * immutable copy through a volatile field for the admin thread. A different thing from {@link SessionTrace} (the
 * admin API's routing trace). Holds no buffers.
 */
public final class SessionLog {
    // First of the static fields: creating the logger and the FastThreadLocal can log, and the log filter reads
    // this while the class is still being initialised.
    private static volatile Settings settings = new Settings(0, null);
    private static final Logger LOG = LoggerFactory.getLogger(SessionLog.class);

    /** The global settings: lines kept per session (0: off) and the pattern whose match dumps a trace. */
    public record Settings(int size, Pattern match) {
        public static final Settings OFF = new Settings(0, null);
    }

    /** Marks {@link #enter} calls made while tracing was off, so that {@link #exit} has nothing to undo. */
    private static final Object NOT_ENTERED = new Object();
    private static final FastThreadLocal<SessionLog> CURRENT = new FastThreadLocal<>();

    private final long sessionId;
    // The worker's own state.
    private ArrayDeque<String> ring;
    private boolean changed;
    private boolean ended;
    private volatile List<String> published = List.of();

    SessionLog(long sessionId) {
        this.sessionId = sessionId;
    }

    /** Applies the global {@code session_trace} and {@code session_trace_match} of {@code g}; admin or main thread. */
    public static void configure(io.gatehouse.api.config.Params g) {
        String match = g.string("session_trace_match");   // a parsed regex prints as its pattern
        configure(g.integer("session_trace"), match == null || match.isEmpty() ? null : Pattern.compile(match));
    }

    /** Applies {@code session_trace} and {@code session_trace_match}; admin or main thread. */
    public static void configure(long size, Pattern match) {
        settings = size <= 0 ? Settings.OFF : new Settings((int) Math.min(size, 100_000), match);
    }

    /** The settings now: the one volatile read the log filter pays when tracing is off. */
    public static Settings settings() {
        Settings s = settings;
        return s == null ? Settings.OFF : s;
    }

    /**
     * The worker starts handling {@code log}'s session (null: none, as for a pooled connection); returns what
     * {@link #exit} needs. While tracing is off this is one volatile read and the session is not marked.
     */
    public static Object enter(SessionLog log) {
        if (settings.size() == 0 || log == null) {
            return NOT_ENTERED;
        }
        SessionLog previous = CURRENT.get();
        CURRENT.set(log);
        return previous;
    }

    /**
     * Runs {@code work} (not on the per-packet path: it allocates a lambda) with the log lines it writes going to the
     * trace of {@code session} (null: none); worker thread.
     */
    public static void traced(ClientSession session, Runnable work) {
        Object outer = enter(session == null ? null : session.log());
        try {
            work.run();
        } finally {
            exit(outer);
        }
    }

    /** The worker is done with the session {@link #enter} marked: publishes its new lines, restores the mark. */
    public static void exit(Object previous) {
        if (previous == NOT_ENTERED) {
            return;
        }
        SessionLog current = CURRENT.getIfExists();
        if (current != null) {
            current.publish();
        }
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set((SessionLog) previous);
        }
    }

    /** True when this thread is handling a session whose trace still takes lines; any thread. */
    public static boolean handling() {
        SessionLog log = CURRENT.getIfExists();
        return log != null && !log.ended;
    }

    /**
     * The log filter: keeps {@code line} in the trace of the session this thread is handling, if any; any thread
     * (others have no session marked). {@code s} is what {@link #settings()} returned.
     */
    public static void record(Settings s, String line) {
        SessionLog log = CURRENT.getIfExists();
        if (log == null || log.ended) {
            return;
        }
        if (log.ring == null) {
            log.ring = new ArrayDeque<>(Math.min(s.size(), 64));
        }
        while (log.ring.size() >= s.size()) {
            log.ring.removeFirst();
        }
        log.ring.addLast(line);
        log.changed = true;
    }

    private void publish() {
        if (changed) {
            changed = false;
            published = List.copyOf(ring);
        }
    }

    /** The kept lines as last published by the worker, oldest first; any thread. */
    public List<String> lines() {
        return published;
    }

    /**
     * The session ends; {@code quit} tells whether the client sent COM_QUIT. Writes the trace to the log, in the
     * order the lines were produced, when the client did not quit or when a line matches {@code session_trace_match}.
     * Later lines are not kept. Session's worker.
     */
    void end(boolean quit) {
        if (ended) {
            return;
        }
        ended = true;                     // the dump's own lines must not enter the ring it is reading
        if (ring == null || ring.isEmpty()) {
            return;
        }
        Pattern match = settings.match();
        String why = quit ? null : "the client did not send COM_QUIT";
        if (why == null && match != null) {
            for (String line : ring) {
                if (match.matcher(line).find()) {
                    why = "a line matches session_trace_match";
                    break;
                }
            }
        }
        published = List.copyOf(ring);
        if (why != null) {
            LOG.info("Session trace of session {} ({}), {} lines:", sessionId, why, ring.size());
            for (String line : ring) {
                LOG.info("Session trace of session {}: {}", sessionId, line);
            }
        }
    }
}
