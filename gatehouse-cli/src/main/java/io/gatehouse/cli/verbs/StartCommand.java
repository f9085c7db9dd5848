package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl start monitor|service NAME} through {@code PUT /v1/monitors|services/NAME/start}; prints OK. Runs
 * on the command's thread.
 */
@Command(name = "start", description = "Start a monitor or a service")
public final class StartCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "monitor", description = "Start a monitor")
    void monitor(@Parameters(paramLabel = "NAME") String name) {
        put("monitors/" + Paths.segment(name) + "/start");
    }

    @Command(name = "service", description = "Start a service")
    void service(@Parameters(paramLabel = "NAME") String name) {
        put("services/" + Paths.segment(name) + "/start");
    }

    private void put(String path) {
        gatectl.eachHost(c -> {
            c.send("PUT", path, null);
            return "OK\n";
        });
    }
}
