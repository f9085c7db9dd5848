package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.Gatectl;
import java.util.ArrayList;
import java.util.List;
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
        put("monitors/" + Paths.segment(name) + "/start");
    }

    @Command(name = "service", description = "Start a service")
    void service(@Parameters(paramLabel = "NAME") String name) {
        put("services/" + Paths.segment(name) + "/start");
    }

    @Command(name = "listener", description = "Start a listener")
    void listener(@Parameters(paramLabel = "NAME") String name) {
        put("listeners/" + Paths.segment(name) + "/start");
    }

    @Command(name = "monitors", description = "Start every monitor")
    void monitors() {
        all("monitors");
    }

    @Command(name = "services", description = "Start every service")
    void services() {
        all("services");
    }

    @Command(name = "listeners", description = "Start every listener")
    void listeners() {
        all("listeners");
    }

    @Command(name = "maxscale", description = "Start every service")
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
                c.send("PUT", collection + "/" + Paths.segment(id) + "/start", null);
            }
            return "OK\n";
        });
    }
}
