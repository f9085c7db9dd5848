package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.BoxTable;
import io.gatehouse.cli.output.JsonText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl show server|service|monitor|listener|filter|module|session|thread NAME}, {@code show maxscale|logging},
 * {@code show dbusers SERVICE} (the service's loaded accounts, one row each), {@code show qc_cache}:
 * one object as a two-column table of maxctrl's fields, nested values (parameters, statistics, diagnostics) as
 * indented JSON; the plural forms ({@code show servers} ...) print that table for every object of the collection,
 * read with one request. Runs on the command's thread.
 */
@Command(name = "show", description = "Show one object", subcommands = ShowReplication.class)
public final class ShowCommand {
    @ParentCommand
    Gatectl gatectl;

    /**
     * One field: its label and where it is ({@code /pointer} in the resource, {@code rel:name} for ids, or
     * {@code lines:/pointer} for an array of strings shown one per line).
     */
    private record Field(String label, String where) {
    }

    private static Field f(String label, String where) {
        return new Field(label, where);
    }

    private String render(JsonNode r, List<Field> fields) {
        BoxTable t = new BoxTable(null);
        for (Field f : fields) {
            String v;
            if (f.where().startsWith("rel:")) {
                v = Rows.ids(r, f.where().substring(4), "\n");
            } else if (f.where().startsWith("lines:")) {
                v = lines(r.at(f.where().substring(6)));
            } else {
                JsonNode n = r.at(f.where());
                v = scalars(n) ? lines(n) : JsonText.text(n);
            }
            t.row(List.of(f.label(), v));
        }
        return gatectl.tsv() ? t.tsv() : t.render();
    }

    /** An array of plain values (or an empty one), which maxctrl prints one value a line. */
    private static boolean scalars(JsonNode n) {
        return n.isArray() && (n.isEmpty() || n.get(0).isValueNode());
    }

    /** An array one value per line, as maxctrl shows a session's log and other arrays of values. */
    private static String lines(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.forEach(x -> out.add(JsonText.text(x)));
        return String.join("\n", out);
    }

    private void show(String path, List<Field> fields) {
        gatectl.eachHost(c -> render(c.get(path).path("data"), fields));
    }

    /** Every object of a collection, one table each, one right after the other as maxctrl prints them. */
    private void showAll(String path, List<Field> fields) {
        gatectl.eachHost(c -> {
            StringBuilder sb = new StringBuilder();
            for (JsonNode r : c.get(path).path("data")) {
                sb.append(render(r, fields));       // one table right after the other, as maxctrl 24.02 prints them
            }
            return sb.toString();
        });
    }

    private static List<Field> serverFields() {
        return Arrays.asList(f("Server", "/id"), f("Source", "/attributes/source/file"),
                f("Address", "/attributes/parameters/address"), f("Port", "/attributes/parameters/port"),
                f("State", "/attributes/state"), f("Version", "/attributes/version_string"),
                f("Uptime", "/attributes/uptime"), f("Last Event", "/attributes/last_event"),
                f("Triggered At", "/attributes/triggered_at"), f("Services", "rel:services"),
                f("Monitors", "rel:monitors"), f("Master ID", "/attributes/master_id"), f("Node ID", "/attributes/node_id"),
                f("Slave Server IDs", "/attributes/slave_server_ids"),
                f("Current Connections", "/attributes/statistics/connections"),
                f("Total Connections", "/attributes/statistics/total_connections"),
                f("Max Connections", "/attributes/statistics/max_connections"), f("Statistics", "/attributes/statistics"),
                f("Parameters", "/attributes/parameters"));
    }

    @Command(name = "server", description = "Show a server")
    void server(@Parameters(paramLabel = "NAME") String name) {
        show("servers/" + name, serverFields());
    }

    @Command(name = "servers", description = "Show all servers")
    void servers() {
        showAll("servers", serverFields());
    }

    private static List<Field> serviceFields() {
        return new ArrayList<>(List.of(f("Service", "/id"), f("Source", "/attributes/source/file"),
                f("Router", "/attributes/router"), f("State", "/attributes/state"), f("Started At", "/attributes/started"),
                f("Users Loaded At", "/attributes/users_last_update"),
                f("Current Connections", "/attributes/connections"),
                f("Total Connections", "/attributes/total_connections"),
                f("Max Connections", "/attributes/statistics/max_connections"), f("Cluster", "rel:monitors"),
                f("Servers", "rel:servers"), f("Services", "rel:services"), f("Filters", "rel:filters"),
                f("Parameters", "/attributes/parameters"), f("Statistics", "/attributes/statistics"),
                f("Router Diagnostics", "/attributes/router_diagnostics")));
    }

    @Command(name = "service", description = "Show a service")
    void service(@Parameters(paramLabel = "NAME") String name) {
        show("services/" + name, serviceFields());
    }

    @Command(name = "services", description = "Show all services")
    void services() {
        showAll("services", serviceFields());
    }

    private static List<Field> monitorFields() {
        return List.of(f("Monitor", "/id"), f("Source", "/attributes/source/file"),
                f("Module", "/attributes/module"), f("State", "/attributes/state"), f("Servers", "rel:servers"),
                f("Parameters", "/attributes/parameters"), f("Monitor Diagnostics", "/attributes/monitor_diagnostics"));
    }

    @Command(name = "monitor", description = "Show a monitor")
    void monitor(@Parameters(paramLabel = "NAME") String name) {
        show("monitors/" + name, monitorFields());
    }

    @Command(name = "monitors", description = "Show all monitors")
    void monitors() {
        showAll("monitors", monitorFields());
    }

    private static List<Field> listenerFields() {
        return List.of(f("Name", "/id"), f("Source", "/attributes/source/file"),
                f("Service", "rel:services"), f("Parameters", "/attributes/parameters"));
    }

    @Command(name = "listener", description = "Show a listener")
    void listener(@Parameters(paramLabel = "NAME") String name) {
        show("listeners/" + name, listenerFields());
    }

    @Command(name = "listeners", description = "Show all listeners")
    void listeners() {
        showAll("listeners", listenerFields());
    }

    @Command(name = "maxscale", description = "Show process-wide information")
    void maxscale() {
        show("maxscale", List.of(f("Version", "/attributes/version"), f("Commit", "/attributes/commit"),
                f("Started At", "/attributes/started_at"), f("Activated At", "/attributes/activated_at"),
                f("Uptime", "/attributes/uptime"), f("Config Sync", "/attributes/config_sync"),
                f("Parameters", "/attributes/parameters"), f("System", "/attributes/system")));
    }

    private static List<Field> filterFields() {
        return List.of(f("Filter", "/id"), f("Source", "/attributes/source/file"),
                f("Module", "/attributes/module"), f("Services", "rel:services"),
                f("Parameters", "/attributes/parameters"), f("Diagnostics", "/attributes/filter_diagnostics"));
    }

    @Command(name = "filter", description = "Show a filter")
    void filter(@Parameters(paramLabel = "NAME") String name) {
        show("filters/" + name, filterFields());
    }

    @Command(name = "filters", description = "Show all filters")
    void filters() {
        showAll("filters", filterFields());
    }

    private static List<Field> moduleFields() {
        return List.of(f("Module", "/id"), f("Type", "/attributes/module_type"),
                f("Version", "/attributes/version"), f("Maturity", "/attributes/maturity"),
                f("Description", "/attributes/description"), f("Parameters", "/attributes/parameters"),
                f("Commands", "/attributes/commands"));
    }

    @Command(name = "module", description = "Show a loaded module")
    void module(@Parameters(paramLabel = "NAME") String name) {
        show("maxscale/modules/" + name, moduleFields());
    }

    @Command(name = "modules", description = "Show all loaded modules")
    void modules(@Option(names = "--load-all", description = "Load every module first (Gatehouse's are built in)")
                 boolean loadAll) {
        showAll(loadAll ? "maxscale/modules?load=all" : "maxscale/modules", moduleFields());
    }

    private static List<Field> sessionFields() {
        return List.of(f("Id", "/id"), f("Service", "rel:services"), f("State", "/attributes/state"),
                f("User", "/attributes/user"), f("Host", "/attributes/remote"), f("Connected", "/attributes/connected"),
                f("Servers", "rel:servers"), f("Connections", "/attributes/connections"),
                f("Queries", "/attributes/queries"), f("Log", "lines:/attributes/log"), f("Memory", "/attributes/memory"),
                f("I/O-Activity", "/attributes/io_activity"));
    }

    @Command(name = "session", description = "Show a session")
    void session(@Parameters(paramLabel = "ID") String id,
                 @Option(names = "--rdns", description = "Show the client's host name (reverse DNS)") boolean rdns) {
        show("sessions/" + id + (rdns ? "?rdns=true" : ""), sessionFields());
    }

    @Command(name = "sessions", description = "Show all sessions")
    void sessions(@Option(names = "--rdns", description = "Show client host names (reverse DNS)") boolean rdns) {
        showAll(rdns ? "sessions?rdns=true" : "sessions", sessionFields());
    }

    private static List<Field> threadFields() {
        String st = "/attributes/stats/";
        return List.of(f("Id", "/id"), f("State", st + "state"), f("Listening", st + "listening"),
                f("Accepts", st + "accepts"), f("Reads", st + "reads"), f("Writes", st + "writes"),
                f("Hangups", st + "hangups"), f("Errors", st + "errors"),
                f("Avg event queue length", st + "avg_event_queue_length"),
                f("Max event queue length", st + "max_event_queue_length"), f("Max exec time", st + "max_exec_time"),
                f("Max queue time", st + "max_queue_time"), f("Current FDs", st + "current_descriptors"),
                f("Total FDs", st + "total_descriptors"), f("Load (1s)", st + "load/last_second"),
                f("Load (1m)", st + "load/last_minute"), f("Load (1h)", st + "load/last_hour"),
                f("QC cache size", st + "query_classifier_cache/size"),
                f("QC cache inserts", st + "query_classifier_cache/inserts"),
                f("QC cache hits", st + "query_classifier_cache/hits"),
                f("QC cache misses", st + "query_classifier_cache/misses"),
                f("QC cache evictions", st + "query_classifier_cache/evictions"), f("Sessions", st + "sessions"),
                f("Zombies", st + "zombies"), f("Memory", st + "memory/total"));
    }

    @Command(name = "thread", description = "Show a routing thread")
    void thread(@Parameters(paramLabel = "ID") String id) {
        show("maxscale/threads/" + id, threadFields());
    }

    /** As maxctrl prints it: one table, a row per field, a column per thread and a last column for all of them. */
    @Command(name = "threads", description = "Show all routing threads")
    void threads(@Option(names = "--kind", defaultValue = "running",
                         description = "running (threads not Dormant) or all (default: ${DEFAULT-VALUE})") String kind) {
        if (!kind.equals("running") && !kind.equals("all")) {
            throw new io.gatehouse.cli.CliException("--kind is running or all, not '" + kind + "'");
        }
        gatectl.eachHost(c -> {
            List<JsonNode> all = new ArrayList<>();
            for (JsonNode r : c.get("maxscale/threads").path("data")) {
                if (kind.equals("all") || !r.at("/attributes/stats/state").asText().equals("Dormant")) {
                    all.add(r);
                }
            }
            BoxTable t = new BoxTable(null);
            for (Field f : threadFields()) {
                List<String> row = new ArrayList<>(List.of(f.label()));
                List<JsonNode> values = all.stream().map(r -> r.at(f.where())).toList();
                values.forEach(v -> row.add(v.isMissingNode() || v.isNull() ? "" : JsonText.text(v)));
                row.add(f.label().equals("Id") ? "All" : summary(f.label(), values));
                t.row(row);
            }
            return gatectl.tsv() ? t.tsv() : t.render();
        });
    }

    /** The "All" column: N/A for states, the mean of averages and loads, the largest maximum, else the sum. */
    private static String summary(String label, List<JsonNode> values) {
        if (label.equals("State") || label.equals("Listening")) {
            return "N/A";
        }
        List<Double> numbers = values.stream().filter(JsonNode::isNumber).map(JsonNode::asDouble).toList();
        if (label.startsWith("Avg ") || label.startsWith("Load ")) {
            // A thread without the value counts as 0, as maxctrl averages it.
            double sum = numbers.stream().mapToDouble(Double::doubleValue).sum();
            return String.format(java.util.Locale.ROOT, "%.1f", values.isEmpty() ? 0 : sum / values.size());
        }
        if (numbers.isEmpty()) {
            return "";
        }
        double v = label.startsWith("Max ") ? numbers.stream().mapToDouble(Double::doubleValue).max().orElse(0)
                : numbers.stream().mapToDouble(Double::doubleValue).sum();
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** maxctrl's {@code show dbusers}: the accounts the service loaded from its servers, one row each. */
    @Command(name = "dbusers", description = "Show the database users a service loaded")
    void dbusers(@Parameters(paramLabel = "SERVICE") String name) {
        gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(List.of("User", "Host", "Plugin", "SSL", "Super", "Global", "Proxy",
                    "Default role"));
            for (JsonNode u : c.get("services/" + Paths.segment(name)).path("data").path("attributes")
                    .path("users")) {
                t.row(List.of(u.path("user").asText(), u.path("host").asText(), u.path("plugin").asText(),
                        u.path("ssl").asText(), u.path("super_priv").asText(), u.path("global_priv").asText(),
                        u.path("proxy_priv").asText(), u.path("default_role").asText()));
            }
            return gatectl.tsv() ? t.tsv() : t.render();
        });
    }

    /** maxctrl's {@code show qc_cache}: the statements the classifier caches hold, the most used first. */
    @Command(name = "qc_cache", description = "Show the statements in the query classifier caches")
    void qcCache(@Option(names = "--top", defaultValue = "20",
                         description = "Show the N most used entries (default: ${DEFAULT-VALUE})") int top) {
        gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(List.of("Statement", "Hits", "Type", "Size"));
            // The most used first, cut at --top here too: the API may list every entry in no order.
            List<JsonNode> rows = new ArrayList<>();
            c.get("maxscale/query_classifier/cache?top=" + top).path("data").forEach(rows::add);
            rows.sort(java.util.Comparator.comparingLong((JsonNode r) -> -r.at("/attributes/hits").asLong()));
            for (JsonNode r : rows.subList(0, Math.min(Math.max(top, 0), rows.size()))) {
                t.row(List.of(r.path("id").asText(), r.path("attributes").path("hits").asText(),
                        r.path("attributes").path("classification").path("type_mask").asText(),
                        Rows.at(r, "/attributes/classification/size")));
            }
            return gatectl.tsv() ? t.tsv() : t.render();
        });
    }

    @Command(name = "logging", description = "Show the log file, the logged priorities and the logging parameters")
    void logging() {
        show("maxscale/logs", List.of(f("Current Log File", "/attributes/log_file"),
                f("Enabled Log Levels", "/attributes/log_priorities"), f("Parameters", "/attributes/parameters")));
    }

    @Command(name = "commands", description = "Show the module commands of one module")
    void commands(@Parameters(paramLabel = "MODULE") String module) {
        gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(List.of("Command", "Parameters", "Descriptions"));
            for (JsonNode cmd : c.get("maxscale/modules/" + Paths.segment(module)).path("data").path("attributes")
                    .path("commands")) {
                List<String> params = new ArrayList<>();
                for (JsonNode p : cmd.path("attributes").path("parameters")) {
                    params.add(p.path("type").asText());
                }
                t.row(List.of(cmd.path("id").asText(), String.join(", ", params),
                        cmd.path("attributes").path("description").asText("")));
            }
            return Rows.print(gatectl, t);
        });
    }
}
