package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.BoxTable;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl list servers|services|listeners|monitors|sessions|filters|threads|modules|users|commands}: one row
 * per object with maxctrl's columns. Runs on the command's thread.
 */
@Command(name = "list", description = "List objects", subcommands = ListQueries.class)
public final class ListCommand {
    @ParentCommand
    Gatectl gatectl;

    private void table(String path, List<String> header, Function<JsonNode, List<String>> row) {
        gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(header);
            for (JsonNode r : c.get(path).path("data")) {
                t.row(row.apply(r));
            }
            return Rows.print(gatectl, t);
        });
    }

    @Command(name = "servers", description = "List servers")
    void servers() {
        table("servers", List.of("Server", "Address", "Port", "Connections", "State", "GTID", "Monitor"), r -> List.of(
                r.path("id").asText(), Rows.at(r, "/attributes/parameters/address"),
                Rows.at(r, "/attributes/parameters/port"), Rows.at(r, "/attributes/statistics/connections"),
                Rows.at(r, "/attributes/state"), Rows.at(r, "/attributes/gtid_current_pos"), Rows.ids(r, "monitors", ", ")));
    }

    @Command(name = "services", description = "List services")
    void services() {
        table("services", List.of("Service", "Router", "Connections", "Total Connections", "Targets"), r -> {
            String servers = Rows.ids(r, "servers", ", ");
            String services = Rows.ids(r, "services", ", ");
            String targets = servers.isEmpty() ? services : services.isEmpty() ? servers : servers + ", " + services;
            return List.of(r.path("id").asText(), Rows.at(r, "/attributes/router"), Rows.at(r, "/attributes/connections"),
                    Rows.at(r, "/attributes/total_connections"), targets);
        });
    }

    @Command(name = "listeners", description = "List listeners, of every service or of SERVICE")
    void listeners(@picocli.CommandLine.Parameters(paramLabel = "SERVICE", arity = "0..1") String service) {
        List<String> header = List.of("Name", "Port", "Host", "State", "Service");
        Function<JsonNode, List<String>> row = r -> List.of(r.path("id").asText(),
                Rows.at(r, "/attributes/parameters/port"), Rows.at(r, "/attributes/parameters/address"),
                Rows.at(r, "/attributes/state"), Rows.ids(r, "services", ", "));
        if (service == null) {
            table("listeners", header, row);
            return;
        }
        // As maxctrl: the listeners the service resource carries in its attributes.
        gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(header);
            for (JsonNode r : c.get("services/" + Paths.segment(service)).path("data").path("attributes")
                    .path("listeners")) {
                t.row(row.apply(r));
            }
            return Rows.print(gatectl, t);
        });
    }

    @Command(name = "monitors", description = "List monitors")
    void monitors() {
        table("monitors", List.of("Monitor", "State", "Servers"), r -> List.of(r.path("id").asText(),
                Rows.at(r, "/attributes/state"), Rows.ids(r, "servers", ", ")));
    }

    @Command(name = "sessions", description = "List sessions")
    void sessions(@picocli.CommandLine.Option(names = "--rdns", description = "Show client host names (reverse DNS)")
                  boolean rdns) {
        table(rdns ? "sessions?rdns=true" : "sessions", List.of("Id", "User", "Host", "Connected", "Idle", "Service", "Memory", "I/O-Activity"),
                r -> List.of(r.path("id").asText(), Rows.at(r, "/attributes/user"), Rows.at(r, "/attributes/remote"),
                        Rows.at(r, "/attributes/connected"), Rows.at(r, "/attributes/idle"), Rows.ids(r, "services", ", "),
                        Rows.at(r, "/attributes/memory/total"), Rows.at(r, "/attributes/io_activity")));
    }

    @Command(name = "filters", description = "List filters")
    void filters() {
        table("filters", List.of("Filter", "Service", "Module"), r -> List.of(r.path("id").asText(),
                Rows.ids(r, "services", ", "), Rows.at(r, "/attributes/module")));
    }

    @Command(name = "threads", description = "List routing workers")
    void threads() {
        table("maxscale/threads", List.of("Id", "Current FDs", "Total FDs", "Load (1s)", "Load (1m)", "Load (1h)"),
                r -> List.of(r.path("id").asText(), Rows.at(r, "/attributes/stats/current_descriptors"),
                        Rows.at(r, "/attributes/stats/total_descriptors"), Rows.at(r, "/attributes/stats/load/last_second"),
                        Rows.at(r, "/attributes/stats/load/last_minute"), Rows.at(r, "/attributes/stats/load/last_hour")));
    }

    @Command(name = "modules", description = "List loaded modules")
    void modules() {
        table("maxscale/modules", List.of("Module", "Type", "Version"), r -> List.of(r.path("id").asText(),
                Rows.at(r, "/attributes/module_type"), Rows.at(r, "/attributes/version")));
    }

    @Command(name = "users", description = "List admin users")
    void users() {
        table("users/inet", List.of("Name", "Type", "Privileges", "Created", "Last Updated", "Last Login"),
                r -> List.of(r.path("id").asText(), r.path("type").asText(), Rows.at(r, "/attributes/account"),
                        Rows.at(r, "/attributes/created"), Rows.at(r, "/attributes/last_update"),
                        Rows.at(r, "/attributes/last_login")));
    }

    @Command(name = "commands", description = "List the module commands of loaded modules")
    void commands() {
        gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(List.of("Module", "Commands"));
            for (JsonNode m : c.get("maxscale/modules").path("data")) {
                List<String> names = new java.util.ArrayList<>();
                for (JsonNode cmd : m.path("attributes").path("commands")) {
                    names.add(cmd.path("id").asText());
                }
                // Every module, with or without commands, as maxctrl lists them.
                t.row(List.of(m.path("id").asText(), String.join(", ", names)));
            }
            return Rows.print(gatectl, t);
        });
    }
}
