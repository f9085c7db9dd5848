package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cli.Gatectl;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl create server|service|listener|monitor|filter ...} with maxctrl's arguments: positional names,
 * {@code key=value} parameters and {@code --servers}/{@code --filters}/... for relationships; sends
 * {@code POST /v1/<type>} and prints OK; {@code create user NAME PASSWORD [--type]} adds an admin API user. Runs on the command's thread.
 */
@Command(name = "create", description = "Create objects", subcommands = CreateReport.class)
public final class CreateCommand {
    @ParentCommand
    Gatectl gatectl;

    private void post(String collection, ObjectNode doc) {
        gatectl.eachHost(c -> {
            c.send("POST", collection, Bodies.text(doc));
            return "OK\n";
        });
    }

    /**
     * maxctrl 24.02's two forms: {@code NAME key=value...} ({@code address=}, {@code port=}, {@code socket=}...),
     * or the older {@code NAME HOST|SOCKET [PORT] [key=value...]} when the first argument is not key=value (a
     * socket path ignores the port).
     */
    @Command(name = "server", description = "Create a server: NAME key=value... (or NAME HOST|SOCKET [PORT] [key=value...])")
    void server(@Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1..*", arity = "1..*", paramLabel = "PARAMS") List<String> rest,
                @Option(names = "--services", arity = "1..*", description = "Link the server to these services") List<String> services,
                @Option(names = "--monitors", arity = "1..*", description = "Link the server to these monitors") List<String> monitors) {
        ObjectNode doc = Bodies.resource(name, "servers");
        List<String> params = rest;
        if (!params.get(0).contains("=")) {
            String host = params.get(0);
            params = params.subList(1, params.size());
            String port = params.isEmpty() || params.get(0).contains("=") ? null : params.get(0);
            if (port != null) {
                params = params.subList(1, params.size());
            }
            if (host.startsWith("/")) {
                Bodies.parameters(doc).put("socket", host);
            } else {
                Bodies.parameters(doc).put("address", host);
                if (port != null) {
                    Bodies.parameters(doc).set("port", Bodies.value(port));
                }
            }
        }
        Bodies.keyValues(doc, params);
        Bodies.relate(doc, "services", services);
        Bodies.relate(doc, "monitors", monitors);
        post("servers", doc);
    }

    @Command(name = "service", description = "Create a service: NAME ROUTER [key=value...]")
    void service(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1", paramLabel = "ROUTER") String router,
                 @Parameters(index = "2..*", paramLabel = "PARAMS") List<String> params,
                 @Option(names = "--servers", arity = "1..*", description = "Servers the service uses") List<String> servers,
                 @Option(names = "--filters", arity = "1..*", description = "Filters of the service, in order") List<String> filters,
                 @Option(names = "--services", arity = "1..*", description = "Services the service uses") List<String> services,
                 @Option(names = "--cluster", description = "Monitor whose servers the service uses") String cluster) {
        if (cluster != null && (servers != null || services != null)) {
            throw new io.gatehouse.cli.CliException("--cluster cannot be combined with --servers or --services");
        }
        gatectl.eachHost(c -> {
            ObjectNode doc = Bodies.resource(name, "services");
            Bodies.attributes(doc).put("router", router);
            Bodies.keyValues(doc, params);
            // As maxctrl: servers=, targets=, cluster= and filters= parameters are relationships.
            ObjectNode p = Bodies.parameters(doc);
            relationParam(doc, p, "servers", ",", "servers");
            if (p.has("targets")) {
                java.util.Set<String> known = new java.util.HashSet<>();
                c.get("servers").path("data").forEach(r -> known.add(r.path("id").asText()));
                List<String> t = split(p.remove("targets").asText(), ",");
                Bodies.relate(doc, "servers", t.stream().filter(known::contains).toList());
                Bodies.relate(doc, "services", t.stream().filter(x -> !known.contains(x)).toList());
            }
            relationParam(doc, p, "cluster", ",", "monitors");
            relationParam(doc, p, "filters", "\\|", "filters");
            Bodies.relate(doc, "servers", servers);
            Bodies.relate(doc, "services", services);
            Bodies.relate(doc, "monitors", cluster == null ? null : List.of(cluster));
            Bodies.relate(doc, "filters", filters);
            c.send("POST", "services", Bodies.text(doc));
            return "OK\n";
        });
    }

    /** Moves parameter {@code key} (a list split at {@code sep}) into relationship {@code type}. */
    private static void relationParam(ObjectNode doc, ObjectNode params, String key, String sep, String type) {
        if (params.has(key)) {
            Bodies.relate(doc, type, split(params.remove(key).asText(), sep));
        }
    }

    private static List<String> split(String list, String sep) {
        return java.util.Arrays.stream(list.split(sep)).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    @Command(name = "listener", description = "Create a listener: SERVICE NAME PORT [key=value...]")
    void listener(@Parameters(index = "0", paramLabel = "SERVICE") String service,
                  @Parameters(index = "1", paramLabel = "NAME") String name,
                  @Parameters(index = "2", paramLabel = "PORT") String port,
                  @Parameters(index = "3..*", paramLabel = "PARAMS") List<String> params,
                  @Option(names = "--interface", description = "Address to listen on") String address,
                  @Option(names = "--protocol", description = "Protocol module") String protocol) {
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            number = -1;
        }
        // maxctrl refuses anything but a positive integer; 0 stays allowed, Gatehouse's "any free port".
        if (number < 0) {
            throw new io.gatehouse.cli.CliException("'" + port + "' is not a valid value for port");
        }
        ObjectNode doc = Bodies.resource(name, "listeners");
        Bodies.parameters(doc).put("port", number);
        if (address != null) {
            Bodies.parameters(doc).put("address", address);
        }
        if (protocol != null) {
            Bodies.parameters(doc).put("protocol", protocol);
        }
        Bodies.keyValues(doc, params);
        Bodies.relate(doc, "services", List.of(service));
        post("listeners", doc);
    }

    @Command(name = "monitor", description = "Create a monitor: NAME MODULE [key=value...]")
    void monitor(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1", paramLabel = "MODULE") String module,
                 @Parameters(index = "2..*", paramLabel = "PARAMS") List<String> params,
                 @Option(names = "--servers", arity = "1..*", description = "Servers to monitor") List<String> servers,
                 @Option(names = "--monitor-user", description = "User the monitor logs in as") String user,
                 @Option(names = "--monitor-password", description = "Password of --monitor-user") String password) {
        ObjectNode doc = Bodies.resource(name, "monitors");
        Bodies.attributes(doc).put("module", module);
        if (user != null) {
            Bodies.parameters(doc).put("user", user);
        }
        if (password != null) {
            Bodies.parameters(doc).put("password", password);
        }
        Bodies.keyValues(doc, params);
        ObjectNode p = Bodies.parameters(doc);
        relationParam(doc, p, "servers", ",", "servers");
        Bodies.relate(doc, "servers", servers);
        post("monitors", doc);
    }

    @Command(name = "filter", description = "Create a filter: NAME MODULE [key=value...]")
    void filter(@Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1", paramLabel = "MODULE") String module,
                @Parameters(index = "2..*", paramLabel = "PARAMS") List<String> params) {
        ObjectNode doc = Bodies.resource(name, "filters");
        Bodies.attributes(doc).put("module", module);
        Bodies.keyValues(doc, params);
        post("filters", doc);
    }

    @Command(name = "user", description = "Create an admin API user: NAME PASSWORD [--type=admin|basic]")
    void user(@Parameters(index = "0", paramLabel = "NAME") String name,
              @Parameters(index = "1", paramLabel = "PASSWORD") String password,
              @Option(names = "--type", defaultValue = "basic",
                      description = "admin (may change things) or basic (read only) (default: ${DEFAULT-VALUE})") String type) {
        if (!type.equals("admin") && !type.equals("basic")) {
            throw new io.gatehouse.cli.CliException("--type is admin or basic, not '" + type + "'");
        }
        ObjectNode doc = Bodies.resource(name, "inet");
        Bodies.attributes(doc).put("password", password).put("account", type);
        post("users/inet", doc);
    }
}
