package io.gatehouse.admin.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/maxscale/logs/flush} (maxctrl's {@code rotate logs}): closes the log file and opens it again by
 * its name, so that after logrotate (or an operator) moved it away, logging goes on in a new file at the configured
 * path, as MaxScale does on SIGUSR1. Runs on the admin API's thread; Logback's appender serializes it with the
 * threads that are logging.
 */
public final class LogRotation {
    private LogRotation() {
    }

    /** Reopens every file appender of the root logger; returns how many there were (0 when maxlog=false). */
    public static int rotate() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return 0;
        }
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        int n = 0;
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof FileAppender<ILoggingEvent> file) {
                // stop() closes the stream; start() opens the file again by name, creating it when it was moved.
                file.stop();
                file.start();
                n++;
            }
        }
        LoggerFactory.getLogger(LogRotation.class).info("Log files rotated ({} reopened)", n);
        return n;
    }
}
