package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import java.util.List;
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

    @Command(name = "server", description = "Clear states of a server: NAME STATE... (maintenance, drain...)")
    void server(@Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1..*", arity = "1..*", paramLabel = "STATE", description = "maintenance or drain")
                List<String> states) {
        gatectl.eachHost(c -> {
            for (String state : states) {
                c.send("PUT", "servers/" + Paths.segment(name) + "/clear?state=" + Paths.segment(state), null);
            }
            return "OK\n";
        });
    }
}
