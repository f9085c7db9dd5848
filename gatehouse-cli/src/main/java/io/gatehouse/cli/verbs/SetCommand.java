package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl set server NAME maintenance|drain [--force]}: puts a server in maintenance or drains it through
 * {@code PUT /v1/servers/NAME/set?state=...}; with {@code --force} (maintenance) the server's connections are
 * closed at once. Prints OK. Runs on the command's thread.
 */
@Command(name = "set", description = "Set a server state")
public final class SetCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "server", description = "Set maintenance or drain on a server")
    void server(@Parameters(paramLabel = "NAME") String name,
                @Parameters(paramLabel = "STATE", description = "maintenance or drain") String state,
                @Option(names = "--force", description = "With maintenance: close every connection to the server now")
                boolean force) {
        gatectl.eachHost(c -> {
            c.send("PUT", "servers/" + Paths.segment(name) + "/set?state=" + Paths.segment(state)
                    + (force ? "&force=yes" : ""), null);
            return "OK\n";
        });
    }
}
