package io.gatehouse.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.gatehouse.core.session.SessionLog;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * MaxScale's {@code session_trace} as a Logback filter: every call of a Gatehouse logger made while a worker handles
 * a session is formatted and kept in that session's {@link SessionLog}, whatever the log levels let through (the
 * filter sees each call before the level check and never changes its fate). With {@code session_trace=0} it costs
 * one volatile read. Called on every thread that logs; only a worker has a session marked, and the ring it writes
 * is that worker's.
 */
final class SessionTraceFilter extends TurboFilter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);

    /** Puts the filter first in the context's list (once), so that no other filter's verdict hides a call from it. */
    static synchronized void install() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)
                || ctx.getTurboFilterList().stream().anyMatch(f -> f instanceof SessionTraceFilter)) {
            return;
        }
        SessionTraceFilter f = new SessionTraceFilter();
        f.setContext(ctx);
        f.start();
        ctx.getTurboFilterList().add(0, f);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        SessionLog.Settings s = SessionLog.settings();
        if (s.size() == 0 || format == null || level == null || !SessionLog.handling()
                || !logger.getName().startsWith("io.gatehouse")) {
            return FilterReply.NEUTRAL;
        }
        var formatted = MessageFormatter.arrayFormat(format, params, t);
        Throwable thrown = t != null ? t : formatted.getThrowable();
        String logger0 = logger.getName().substring(logger.getName().lastIndexOf('.') + 1);
        SessionLog.record(s, LocalDateTime.now().format(TIME) + " " + maxscaleLevel(level) + ": " + logger0 + ": "
                + formatted.getMessage() + (thrown == null ? "" : " (" + thrown + ")"));
        return FilterReply.NEUTRAL;
    }

    /** MaxScale's name of a Gatehouse level: its info and debug messages are Gatehouse's DEBUG and TRACE. */
    private static String maxscaleLevel(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "error";
            case Level.WARN_INT -> "warning";
            case Level.INFO_INT -> "notice";
            case Level.DEBUG_INT -> "info";
            default -> "debug";
        };
    }
}
