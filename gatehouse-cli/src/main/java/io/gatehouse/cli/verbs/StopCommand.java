package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.Gatectl;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
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
        put("monitors/" + Paths.segment(name) + "/stop");
    }

    @Command(name = "service", description = "Stop a service")
    void service(@Parameters(paramLabel = "NAME") String name) {
        put("services/" + Paths.segment(name) + "/stop");
    }

    @Command(name = "listener", description = "Stop a listener")
    void listener(@Parameters(paramLabel = "NAME") String name) {
        put("listeners/" + Paths.segment(name) + "/stop");
    }

    @Command(name = "monitors", description = "Stop every monitor")
    void monitors() {
        all("monitors");
    }

    @Command(name = "services", description = "Stop every service")
    void services() {
        all("services");
    }

    @Command(name = "listeners", description = "Stop every listener")
    void listeners() {
        all("listeners");
    }

    @Command(name = "maxscale", description = "Stop every service")
    void maxscale() {
        all("services");
    }

    private void put(String path) {
        gatectl.eachHost(c -> {
            c.send("PUT", path, null);
            return "OK\n";
        });
    }

    private void all(String collection) {
        gatectl.eachHost(c -> {
            List<String> ids = new ArrayList<>();
            for (JsonNode r : c.get(collection).path("data")) {
                ids.add(r.path("id").asText());
            }
            for (String id : ids) {
                c.send("PUT", collection + "/" + Paths.segment(id) + "/stop", null);
            }
            return "OK\n";
        });
    }
}
