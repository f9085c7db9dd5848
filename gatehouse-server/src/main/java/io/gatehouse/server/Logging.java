package io.gatehouse.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sets up Logback for the daemon from the configuration: a log file {@code gatehouse.log} in the log directory and,
 * in the foreground, the terminal. MaxScale's levels map as: notices and warnings are always on ({@code INFO}),
 * {@code log_info} adds {@code DEBUG}, {@code log_debug} adds {@code TRACE}. Called once on the main thread.
 */
final class Logging {
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0}: %msg%n";

    private Logging() {
    }

    /**
     * MaxScale's log switches as Gatehouse's levels: debug and info messages are TRACE and DEBUG, notices are INFO,
     * so log_notice=false with log_warning=true keeps warnings and errors only.
     */
    static Level level(boolean info, boolean debug, boolean warning, boolean notice) {
        return debug ? Level.TRACE : info ? Level.DEBUG : warning && notice ? Level.INFO : warning ? Level.WARN
                : Level.ERROR;
    }

    static void configure(Path logdir, boolean console, boolean info, boolean debug, boolean warning, boolean notice) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        ch.qos.logback.classic.Logger ours = ctx.getLogger("io.gatehouse");
        ours.setLevel(level(info, debug, warning, notice));
        try {
            Files.createDirectories(logdir);
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setContext(ctx);
            file.setName("file");
            file.setFile(logdir.resolve("gatehouse.log").toString());
            file.setEncoder(encoder(ctx));
            file.start();
            root.addAppender(file);
        } catch (Exception e) {
            System.err.println("gatehouse: cannot write logs to " + logdir + ": " + e.getMessage());
            console = true;
        }
        if (console) {
            ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
            out.setContext(ctx);
            out.setName("console");
            out.setEncoder(encoder(ctx));
            out.start();
            root.addAppender(out);
        }
    }

    static void stop() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx) {
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(PATTERN);
        enc.start();
        return enc;
    }
}
