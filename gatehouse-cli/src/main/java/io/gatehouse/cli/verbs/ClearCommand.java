package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl clear server NAME maintenance|drain}: takes a server out of maintenance or draining through
 * {@code PUT /v1/servers/NAME/clear?state=...}; prints OK. Runs on the command's thread.
 */
@Command(name = "clear", description = "Clear a server state")
public final class ClearCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "server", description = "Clear maintenance or drain on a server")
    void server(@Parameters(paramLabel = "NAME") String name,
                @Parameters(paramLabel = "STATE", description = "maintenance or drain") String state) {
        gatectl.eachHost(c -> {
            c.send("PUT", "servers/" + Paths.segment(name) + "/clear?state=" + Paths.segment(state), null);
            return "OK\n";
        });
    }
}
