package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl stop monitor|service|listener NAME} through {@code PUT /v1/monitors|services|listeners/NAME/stop}
 * (stop listener closes its socket, open sessions go on), and the plural {@code stop monitors|services|listeners} and {@code stop maxscale}
 * (every service) which read the collection and stop each object; prints OK. Runs on the command's thread.
 */
@Command(name = "stop", description = "Stop monitors, services or listeners")
public final class StopCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "monitor", description = "Stop a monitor")
    void monitor(@Parameters(paramLabel = "NAME") String name) {
        StateChanges.one(gatectl, "monitors", name, "stop");
    }

    @Command(name = "service", description = "Stop a service")
    void service(@Parameters(paramLabel = "NAME") String name,
                 @Option(names = "--force", description = "Close its client connections too") boolean force) {
        StateChanges.one(gatectl, "services", name, "stop", force);
    }

    @Command(name = "listener", description = "Stop a listener")
    void listener(@Parameters(paramLabel = "NAME") String name,
                  @Option(names = "--force", description = "Close its client connections too") boolean force) {
        StateChanges.one(gatectl, "listeners", name, "stop", force);
    }

    @Command(name = "monitors", description = "Stop every monitor")
    void monitors() {
        StateChanges.all(gatectl, "monitors", "stop");
    }

    @Command(name = "services", description = "Stop every service")
    void services(@Option(names = "--force", description = "Close their client connections too") boolean force) {
        StateChanges.all(gatectl, "services", "stop", force);
    }

    @Command(name = "listeners", description = "Stop every listener")
    void listeners() {
        StateChanges.all(gatectl, "listeners", "stop");
    }

    @Command(name = "maxscale", description = "Stop every service")
    void maxscale(@Option(names = "--force", description = "Close their client connections too") boolean force) {
        StateChanges.all(gatectl, "services", "stop", force);
    }
}
