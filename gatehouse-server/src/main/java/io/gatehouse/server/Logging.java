package io.gatehouse.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import io.gatehouse.api.config.Params;
import io.gatehouse.core.config.LogThrottling;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sets up Logback for the daemon from the configuration: a log file {@code gatehouse.log} in the log directory
 * (unless {@code maxlog=false}) and, in the foreground, the terminal; MaxScale's {@code ms_timestamp},
 * {@code log_augmentation} and {@code log_throttling} shape the lines. MaxScale's levels map as: notices and warnings are always on ({@code INFO}),
 * {@code log_info} adds {@code DEBUG}, {@code log_debug} adds {@code TRACE}. Configured once on the main thread;
 * {@link #apply} changes the settings of the running daemon (admin thread) without dropping other appenders.
 */
final class Logging {
    /** MaxScale's timestamp, with milliseconds when {@code ms_timestamp} is on. */
    private static final String SECONDS = "%d{yyyy-MM-dd HH:mm:ss}";
    private static final String MILLIS = "%d{yyyy-MM-dd HH:mm:ss.SSS}";

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

    /**
     * The log settings of the {@code [maxscale]} section: levels, {@code maxlog} (the file), {@code ms_timestamp},
     * {@code log_augmentation} and {@code log_throttling}.
     */
    record Settings(boolean info, boolean debug, boolean warning, boolean notice, boolean maxlog, boolean msTimestamp,
                    boolean augmentation, LogThrottling throttling) {
        static Settings of(Params g) {
            return new Settings(g.bool("log_info"), g.bool("log_debug"), g.bool("log_warning"), g.bool("log_notice"),
                    g.bool("maxlog"), g.bool("ms_timestamp"), "1".equals(g.string("log_augmentation")),
                    LogThrottling.parse(g.string("log_throttling")));
        }

        /** Levels only, with MaxScale's defaults for the rest. */
        static Settings levels(boolean info, boolean debug, boolean warning, boolean notice) {
            return new Settings(info, debug, warning, notice, true, false, false,
                    LogThrottling.parse(LogThrottling.DEFAULT));
        }

        String pattern() {
            return (msTimestamp ? MILLIS : SECONDS) + " %-5level [%thread] %logger{0}: %msg"
                    + (augmentation ? " \\(%method\\)" : "") + "%n";
        }
    }

    static void configure(Path logdir, boolean console, boolean info, boolean debug, boolean warning, boolean notice) {
        configure(logdir, console, Settings.levels(info, debug, warning, notice));
    }

    static void configure(Path logdir, boolean console, Settings settings) {
        boolean info = settings.info();
        boolean debug = settings.debug();
        boolean warning = settings.warning();
        boolean notice = settings.notice();
        String pattern = settings.pattern();
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        if (settings.throttling().enabled()) {
            ThrottleFilter throttle = new ThrottleFilter(settings.throttling());
            throttle.setContext(ctx);
            throttle.start();
            ctx.addTurboFilter(throttle);
        }
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        ch.qos.logback.classic.Logger ours = ctx.getLogger("io.gatehouse");
        ours.setLevel(level(info, debug, warning, notice));
        if (settings.maxlog() && !addFile(ctx, root, logdir, pattern)) {
            console = true;
        }
        if (console) {
            configureConsole(ctx, root, pattern);
        }
    }

    /**
     * Applies changed settings to the running daemon (a runtime change of the {@code [maxscale]} section): the levels,
     * the throttling, the file ({@code maxlog}) and the line pattern ({@code ms_timestamp}, {@code log_augmentation})
     * take effect from the next line. A changed appender is replaced by a new one added before the old one is
     * detached, so no line is lost; appenders this class did not make (the admin API's log ring) stay.
     */
    static synchronized void apply(Path logdir, boolean console, Settings settings) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger("io.gatehouse").setLevel(level(settings.info(), settings.debug(), settings.warning(),
                settings.notice()));
        ctx.getTurboFilterList().removeIf(f -> f instanceof ThrottleFilter);
        if (settings.throttling().enabled()) {
            ThrottleFilter throttle = new ThrottleFilter(settings.throttling());
            throttle.setContext(ctx);
            throttle.start();
            ctx.addTurboFilter(throttle);
        }
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        String pattern = settings.pattern();
        var file = root.getAppender("file");
        if (settings.maxlog() && (file == null || !pattern.equals(patternOf(file)))) {
            if (addFile(ctx, root, logdir, pattern) && file != null) {
                root.detachAppender(file);
                file.stop();
            }
        } else if (!settings.maxlog() && file != null) {
            root.detachAppender(file);
            file.stop();
        }
        var out = root.getAppender("console");
        if (out != null && !pattern.equals(patternOf(out))) {
            configureConsole(ctx, root, pattern);
            root.detachAppender(out);
            out.stop();
        } else if (out == null && console) {
            configureConsole(ctx, root, pattern);
        }
    }

    private static String patternOf(ch.qos.logback.core.Appender<ILoggingEvent> a) {
        return a instanceof ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> o
                && o.getEncoder() instanceof PatternLayoutEncoder e ? e.getPattern() : null;
    }

    private static void configureConsole(LoggerContext ctx, ch.qos.logback.classic.Logger root, String pattern) {
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(ctx);
        out.setName("console");
        out.setEncoder(encoder(ctx, pattern));
        out.start();
        root.addAppender(out);
    }

    /** The log file appender; false (after telling the terminal) when the directory cannot be written. */
    private static boolean addFile(LoggerContext ctx, ch.qos.logback.classic.Logger root, Path logdir, String pattern) {
        try {
            Files.createDirectories(logdir);
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setContext(ctx);
            file.setName("file");
            file.setFile(logdir.resolve("gatehouse.log").toString());
            file.setEncoder(encoder(ctx, pattern));
            file.start();
            root.addAppender(file);
            return true;
        } catch (Exception e) {
            System.err.println("gatehouse: cannot write logs to " + logdir + ": " + e.getMessage());
            return false;
        }
    }

    static void stop() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(pattern);
        enc.start();
        return enc;
    }
}
