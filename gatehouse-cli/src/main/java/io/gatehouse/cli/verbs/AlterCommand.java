package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.JsonText;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl alter server|service|listener|monitor|filter NAME key=value...} (or maxctrl's older KEY VALUE
 * pairs), {@code alter maxscale key=value...},
 * {@code alter session ID trace true|false}, {@code alter logging KEY VALUE...}
 * and {@code alter service-filters SERVICE [FILTER...]}: changes parameters, or a service's filter chain, at runtime
 * with {@code PATCH}; prints OK. {@code alter user NAME PASSWORD} changes an admin API user's password. Runs on the command's thread.
 */
@Command(name = "alter", description = "Alter objects")
public final class AlterCommand {
    @ParentCommand
    Gatectl gatectl;

    private void patch(String path, List<String> pairs) {
        send(path, Bodies.text(Bodies.patch(Bodies.alterations(pairs))));
    }

    /**
     * As maxctrl: relationship parameters ({@code servers=a,b}, a service's {@code filters=f1|f2},
     * {@code cluster=M}, {@code targets=...}) become the relationships of the PATCH, the rest parameters.
     * {@code targets} are split into servers and services by asking which names are servers.
     */
    private void patchWithRelationships(String type, String name, List<String> pairs) {
        Map<String, String> params = Bodies.alterations(pairs);
        String servers = type.equals("services") || type.equals("monitors") ? params.remove("servers") : null;
        String filters = type.equals("services") ? params.remove("filters") : null;
        String cluster = type.equals("services") ? params.remove("cluster") : null;
        String targets = type.equals("services") ? params.remove("targets") : null;
        gatectl.eachHost(c -> {
            ObjectNode doc = Bodies.patch(params);
            ObjectNode data = (ObjectNode) doc.get("data");
            if (servers != null) {
                Bodies.relateExactly(doc, "servers", split(servers, ","));
            }
            if (filters != null) {
                Bodies.relateExactly(doc, "filters", split(filters, "\\|"));
            }
            if (cluster != null) {
                Bodies.relateExactly(doc, "monitors", cluster.isEmpty() ? List.of() : List.of(cluster));
            }
            if (targets != null) {
                java.util.Set<String> known = new java.util.HashSet<>();
                c.get("servers").path("data").forEach(r -> known.add(r.path("id").asText()));
                List<String> t = split(targets, ",");
                Bodies.relateExactly(doc, "servers", t.stream().filter(known::contains).toList());
                Bodies.relateExactly(doc, "services", t.stream().filter(x -> !known.contains(x)).toList());
            }
            data.put("id", name).put("type", type);
            c.send("PATCH", type + "/" + Paths.segment(name), Bodies.text(doc));
            return "OK\n";
        });
    }

    private static List<String> split(String list, String sep) {
        return java.util.Arrays.stream(list.split(sep)).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /** PATCHes {@code body} to {@code path} on every host and prints OK for each. */
    private void send(String path, String body) {
        gatectl.eachHost(c -> {
            c.send("PATCH", path, body);
            return "OK\n";
        });
    }

    /** PATCHes the filters relationship of {@code type}'s {@code id} to exactly {@code filters} (none: empty). */
    private void patchFilters(String type, String id, List<String> filters) {
        ObjectNode doc = JsonText.MAPPER.createObjectNode();
        ObjectNode data = doc.putObject("data");
        data.put("id", id);
        data.put("type", type);
        data.putObject("relationships").putObject("filters")
                .set("data", Bodies.identifiers("filters", filters == null ? List.of() : filters));
        send(type + "/" + Paths.segment(id), Bodies.text(doc));
    }

    @Command(name = "server", description = "Alter server parameters: NAME key=value...")
    void server(@Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("servers/" + Paths.segment(name), pairs);
    }

    @Command(name = "service", description = "Alter service parameters: NAME key=value...")
    void service(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patchWithRelationships("services", name, pairs);
    }

    @Command(name = "listener", description = "Alter listener parameters: NAME key=value...")
    void listener(@Parameters(index = "0", paramLabel = "NAME") String name,
                  @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("listeners/" + Paths.segment(name), pairs);
    }

    @Command(name = "monitor", description = "Alter monitor parameters: NAME key=value...")
    void monitor(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patchWithRelationships("monitors", name, pairs);
    }

    @Command(name = "filter", description = "Alter filter parameters: NAME key=value...")
    void filter(@Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("filters/" + Paths.segment(name), pairs);
    }

    /**
     * maxctrl's {@code alter service-filters}: the service's chain becomes exactly the filters given, in the order
     * statements pass them; none removes every filter. New sessions use the new chain.
     */
    @Command(name = "service-filters", description = "Set the filters of a service, in order: SERVICE [FILTER...]")
    void serviceFilters(@Parameters(index = "0", paramLabel = "SERVICE") String name,
                        @Parameters(index = "1..*", arity = "0..*", paramLabel = "FILTER") List<String> filters) {
        patchFilters("services", name, filters);
    }

    /**
     * maxctrl's {@code alter session-filters}: sends MaxScale's request (the session's filters relationship); the
     * session uses that chain, in that order (none given: no filters), from its next quiet point.
     */
    @Command(name = "session-filters", description = "Set the filters of a session: ID [FILTER...]")
    void sessionFilters(@Parameters(index = "0", paramLabel = "ID") String id,
                        @Parameters(index = "1..*", arity = "0..*", paramLabel = "FILTER") List<String> filters) {
        patchFilters("sessions", id, filters);
    }

    @Command(name = "session", description = "Trace a session's routing: ID trace true|false")
    void session(@Parameters(index = "0", paramLabel = "ID") String id,
                 @Parameters(index = "1..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("sessions/" + Paths.segment(id), pairs);
    }

    @Command(name = "maxscale", description = "Alter global parameters: key=value...")
    void maxscale(@Parameters(index = "0..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("maxscale", pairs);
    }

    /** maxctrl's {@code alter logging}: the logging resource's parameters (log levels, maxlog, ms_timestamp...). */
    @Command(name = "logging", description = "Alter logging parameters: key=value...")
    void logging(@Parameters(index = "0..*", paramLabel = "KEY_VALUE") List<String> pairs) {
        patch("maxscale/logs", pairs);
    }

    @Command(name = "user", description = "Change an admin API user's password: NAME PASSWORD")
    void user(@Parameters(index = "0", paramLabel = "NAME") String name,
              @Parameters(index = "1", paramLabel = "PASSWORD") String password) {
        ObjectNode doc = Bodies.resource(name, "inet");
        Bodies.attributes(doc).put("password", password);
        send("users/inet/" + Paths.segment(name), Bodies.text(doc));
    }
}
