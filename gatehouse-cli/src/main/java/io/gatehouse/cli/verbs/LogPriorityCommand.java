package io.gatehouse.cli.verbs;

import io.gatehouse.cli.CliException;
import io.gatehouse.cli.Gatectl;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl enable|disable log-priority PRIORITY}, as maxctrl's: turns the global {@code log_info},
 * {@code log_notice}, {@code log_warning} or {@code log_debug} on or off with {@code PATCH /v1/maxscale}; prints OK.
 * Runs on the command's thread.
 */
public final class LogPriorityCommand {
    /** The priorities maxctrl names, each the global parameter {@code log_<priority>}. */
    static final List<String> PRIORITIES = List.of("info", "notice", "warning", "debug");

    private LogPriorityCommand() {
    }

    static void set(Gatectl gatectl, String priority, boolean on) {
        if (!PRIORITIES.contains(priority)) {
            throw new CliException("log-priority: '" + priority + "' (expected one of: " + String.join(", ", PRIORITIES)
                    + ")");
        }
        String body = "{\"data\":{\"attributes\":{\"parameters\":{\"log_" + priority + "\":" + on + "}}}}";
        gatectl.eachHost(c -> {
            c.send("PATCH", "maxscale", body);
            return "OK\n";
        });
    }

    /** {@code gatectl enable ...}. */
    @Command(name = "enable", description = "Enable a log priority")
    public static final class Enable {
        @ParentCommand
        Gatectl gatectl;

        @Command(name = "log-priority", description = "Log messages of this priority: info, notice, warning or debug")
        void logPriority(@Parameters(paramLabel = "PRIORITY") String priority) {
            set(gatectl, priority, true);
        }
    }

    /** {@code gatectl disable ...}. */
    @Command(name = "disable", description = "Disable a log priority")
    public static final class Disable {
        @ParentCommand
        Gatectl gatectl;

        @Command(name = "log-priority", description = "Stop logging messages of this priority")
        void logPriority(@Parameters(paramLabel = "PRIORITY") String priority) {
            set(gatectl, priority, false);
        }
    }
}
