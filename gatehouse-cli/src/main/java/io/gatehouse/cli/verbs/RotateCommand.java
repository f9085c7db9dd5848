package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl rotate logs}, as maxctrl's: {@code POST /v1/maxscale/logs/flush} closes the log file and opens it
 * again at its configured path (after logrotate moved it); prints OK. Runs on the command's thread.
 */
@Command(name = "rotate", description = "Rotate log files")
public final class RotateCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "logs", description = "Close the log file and open it again by its name")
    void logs() {
        gatectl.eachHost(c -> {
            c.send("POST", "maxscale/logs/flush", null);
            return "OK\n";
        });
    }
}
