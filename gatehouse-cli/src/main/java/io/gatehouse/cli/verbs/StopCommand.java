package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl stop monitor|service NAME} through {@code PUT /v1/monitors|services/NAME/stop}; prints OK. Runs
 * on the command's thread.
 */
@Command(name = "stop", description = "Stop a monitor or a service")
public final class StopCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "monitor", description = "Stop a monitor")
    void monitor(@Parameters(paramLabel = "NAME") String name) {
        put("monitors/" + Paths.segment(name) + "/stop");
    }

    @Command(name = "service", description = "Stop a service")
    void service(@Parameters(paramLabel = "NAME") String name) {
        put("services/" + Paths.segment(name) + "/stop");
    }

    private void put(String path) {
        gatectl.eachHost(c -> {
            c.send("PUT", path, null);
            return "OK\n";
        });
    }
}
