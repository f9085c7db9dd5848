package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import java.util.List;
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

    @Command(name = "server", description = "Set states on a server: NAME STATE... (maintenance, drain...)")
    void server(@Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1..*", arity = "1..*", paramLabel = "STATE",
                        description = "maintenance or drain (others a running monitor overrides)") List<String> states,
                @Option(names = "--force", description = "With maintenance: close every connection to the server now")
                boolean force) {
        gatectl.eachHost(c -> {
            for (String state : states) {
                c.send("PUT", "servers/" + Paths.segment(name) + "/set?" + (force ? "force=yes&" : "") + "state="
                        + Paths.segment(state), null);
            }
            return "OK\n";
        });
    }
}
