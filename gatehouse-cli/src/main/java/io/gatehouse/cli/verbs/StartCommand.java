package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl start monitor|service|listener NAME} through {@code PUT /v1/monitors|services|listeners/NAME/start}
 * (start listener binds it again), and the plural {@code start monitors|services|listeners} and {@code start maxscale}
 * (every service) which read the collection and start each object; prints OK. Runs on the command's thread.
 */
@Command(name = "start", description = "Start monitors, services or listeners")
public final class StartCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "monitor", description = "Start a monitor")
    void monitor(@Parameters(paramLabel = "NAME") String name) {
        StateChanges.one(gatectl, "monitors", name, "start");
    }

    @Command(name = "service", description = "Start a service")
    void service(@Parameters(paramLabel = "NAME") String name) {
        StateChanges.one(gatectl, "services", name, "start");
    }

    @Command(name = "listener", description = "Start a listener")
    void listener(@Parameters(paramLabel = "NAME") String name) {
        StateChanges.one(gatectl, "listeners", name, "start");
    }

    @Command(name = "monitors", description = "Start every monitor")
    void monitors() {
        StateChanges.all(gatectl, "monitors", "start");
    }

    @Command(name = "services", description = "Start every service")
    void services() {
        StateChanges.all(gatectl, "services", "start");
    }

    @Command(name = "listeners", description = "Start every listener")
    void listeners() {
        StateChanges.all(gatectl, "listeners", "start");
    }

    @Command(name = "maxscale", description = "Start every service")
    void maxscale() {
        StateChanges.all(gatectl, "services", "start");
    }
}
