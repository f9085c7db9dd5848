package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl alter server|service|listener|monitor NAME KEY VALUE...} and {@code alter maxscale KEY VALUE...}:
 * changes parameters at runtime with {@code PATCH}; prints OK. Runs on the command's thread.
 */
@Command(name = "alter", description = "Alter objects")
public final class AlterCommand {
    @ParentCommand
    Gatectl gatectl;

    private void patch(String path, List<String> pairs) {
        String body = Bodies.text(Bodies.pairs(pairs));
        gatectl.eachHost(c -> {
            c.send("PATCH", path, body);
            return "OK\n";
        });
    }

    @Command(name = "server", description = "Alter server parameters: NAME KEY VALUE...")
    void server(@Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("servers/" + Paths.segment(name), pairs);
    }

    @Command(name = "service", description = "Alter service parameters: NAME KEY VALUE...")
    void service(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("services/" + Paths.segment(name), pairs);
    }

    @Command(name = "listener", description = "Alter listener parameters: NAME KEY VALUE...")
    void listener(@Parameters(index = "0", paramLabel = "NAME") String name,
                  @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("listeners/" + Paths.segment(name), pairs);
    }

    @Command(name = "monitor", description = "Alter monitor parameters: NAME KEY VALUE...")
    void monitor(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("monitors/" + Paths.segment(name), pairs);
    }

    @Command(name = "maxscale", description = "Alter global parameters: KEY VALUE...")
    void maxscale(@Parameters(index = "0..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("maxscale", pairs);
    }
}
