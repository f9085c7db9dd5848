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

    @Command(name = "server", description = "Create a server: NAME HOST|SOCKET [PORT] [key=value...]")
    void server(@Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1", paramLabel = "HOST") String host,
                @Parameters(index = "2..*", paramLabel = "PORT_AND_PARAMS") List<String> rest,
                @Option(names = "--services", arity = "1..*", description = "Link the server to these services") List<String> services,
                @Option(names = "--monitors", arity = "1..*", description = "Link the server to these monitors") List<String> monitors) {
        ObjectNode doc = Bodies.resource(name, "servers");
        List<String> params = rest == null ? List.of() : rest;
        if (host.startsWith("/")) {
            Bodies.parameters(doc).put("socket", host);
        } else {
            Bodies.parameters(doc).put("address", host);
            if (!params.isEmpty() && !params.get(0).contains("=")) {
                Bodies.parameters(doc).put("port", params.get(0));
                params = params.subList(1, params.size());
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
                 @Option(names = "--cluster", description = "Monitor whose servers the service uses") String cluster) {
        ObjectNode doc = Bodies.resource(name, "services");
        Bodies.attributes(doc).put("router", router);
        Bodies.keyValues(doc, params);
        Bodies.relate(doc, "servers", servers);
        Bodies.relate(doc, "filters", filters);
        Bodies.relate(doc, "monitors", cluster == null ? null : List.of(cluster));
        post("services", doc);
    }

    @Command(name = "listener", description = "Create a listener: SERVICE NAME PORT [key=value...]")
    void listener(@Parameters(index = "0", paramLabel = "SERVICE") String service,
                  @Parameters(index = "1", paramLabel = "NAME") String name,
                  @Parameters(index = "2", paramLabel = "PORT") String port,
                  @Parameters(index = "3..*", paramLabel = "PARAMS") List<String> params,
                  @Option(names = "--interface", description = "Address to listen on") String address,
                  @Option(names = "--protocol", description = "Protocol module") String protocol) {
        ObjectNode doc = Bodies.resource(name, "listeners");
        Bodies.parameters(doc).put("port", port);
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
