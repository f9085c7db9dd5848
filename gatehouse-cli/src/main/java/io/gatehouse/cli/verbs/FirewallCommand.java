package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.BoxTable;
import io.gatehouse.cli.output.JsonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl firewall rules|learned|allow|deny|remove|forget|mode FILTER ...}: reads and edits a firewall
 * filter's rules and learned digests through {@code /v1/filters/FILTER/rules} and {@code /v1/filters/FILTER/learned},
 * and switches its mode with {@code PATCH /v1/filters/FILTER}. Rule fields are given as {@code key=value}
 * ({@code user}, {@code host}, {@code operation}, {@code type}, {@code digest}, {@code note}). Runs on the command's
 * thread.
 */
@Command(name = "firewall", description = "Show and edit a firewall filter's rules and learned digests")
public final class FirewallCommand {
    private static final Set<String> RULE_FIELDS = Set.of("user", "host", "operation", "type", "digest", "note");
    private static final Set<String> LEARNED_FIELDS = Set.of("user", "host", "digest");

    @ParentCommand
    Gatectl gatectl;

    private static String path(String filter, String document) {
        return "filters/" + Paths.segment(filter) + "/" + document;
    }

    @Command(name = "rules", description = "List a firewall's rules: FILTER")
    void rules(@Parameters(paramLabel = "FILTER") String filter) {
        gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(List.of("Id", "Action", "User", "Host", "Operation", "Type", "Digest", "Note"));
            for (JsonNode r : c.get(path(filter, "rules")).path("data")) {
                t.row(List.of(Rows.at(r, "/id"), Rows.at(r, "/action"), Rows.at(r, "/user"), Rows.at(r, "/host"),
                        Rows.at(r, "/operation"), Rows.at(r, "/type"), Rows.at(r, "/digest"), Rows.at(r, "/note")));
            }
            return Rows.print(gatectl, t);
        });
    }

    @Command(name = "learned", description = "List the digests a firewall learned: FILTER")
    void learned(@Parameters(paramLabel = "FILTER") String filter) {
        gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(List.of("User", "Host", "Digest", "Canonical", "First Seen"));
            for (JsonNode d : c.get(path(filter, "learned")).path("data")) {
                t.row(List.of(Rows.at(d, "/user"), Rows.at(d, "/host"), Rows.at(d, "/digest"),
                        Rows.at(d, "/canonical"), Rows.at(d, "/first_seen")));
            }
            return Rows.print(gatectl, t);
        });
    }

    @Command(name = "allow", description = "Add an allow rule: FILTER [user=U] [host=H] [operation=OP] [type=T]"
            + " [digest=D] [note=TEXT]")
    void allow(@Parameters(index = "0", paramLabel = "FILTER") String filter,
               @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE") List<String> fields) {
        addRule(filter, "allow", fields);
    }

    @Command(name = "deny", description = "Add a deny rule: FILTER [user=U] [host=H] [operation=OP] [type=T]"
            + " [digest=D] [note=TEXT]")
    void deny(@Parameters(index = "0", paramLabel = "FILTER") String filter,
              @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE") List<String> fields) {
        addRule(filter, "deny", fields);
    }

    private void addRule(String filter, String action, List<String> fields) {
        ObjectNode rule = fields(fields, RULE_FIELDS);
        rule.put("action", action);
        ObjectNode doc = JsonText.MAPPER.createObjectNode();
        ArrayNode data = doc.putArray("data");
        data.add(rule);
        gatectl.eachHost(c -> {
            c.send("POST", path(filter, "rules"), doc.toString());
            return "OK\n";
        });
    }

    @Command(name = "remove", description = "Remove rules by id: FILTER ID...")
    void remove(@Parameters(index = "0", paramLabel = "FILTER") String filter,
                @Parameters(index = "1..*", arity = "1..*", paramLabel = "ID") List<String> ids) {
        String query = "?id=" + Paths.segment(String.join(",", ids));
        gatectl.eachHost(c -> {
            c.send("DELETE", path(filter, "rules") + query, null);
            return "OK\n";
        });
    }

    @Command(name = "forget", description = "Forget learned digests, all or those matching: FILTER [user=U]"
            + " [host=H] [digest=D]")
    void forget(@Parameters(index = "0", paramLabel = "FILTER") String filter,
                @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE") List<String> fields) {
        ObjectNode sel = fields(fields, LEARNED_FIELDS);
        List<String> parts = new ArrayList<>();
        sel.properties().forEach(e -> parts.add(e.getKey() + "=" + Paths.segment(e.getValue().asText())));
        String query = parts.isEmpty() ? "" : "?" + String.join("&", parts);
        gatectl.eachHost(c -> {
            c.send("DELETE", path(filter, "learned") + query, null);
            return "OK\n";
        });
    }

    @Command(name = "mode", description = "Switch a firewall's mode: FILTER learning|enforcing|off")
    void mode(@Parameters(index = "0", paramLabel = "FILTER") String filter,
              @Parameters(index = "1", paramLabel = "MODE") String mode) {
        ObjectNode doc = Bodies.resource(filter, "filters");
        Bodies.parameters(doc).put("mode", mode);
        gatectl.eachHost(c -> {
            c.send("PATCH", "filters/" + Paths.segment(filter), doc.toString());
            return "OK\n";
        });
    }

    /** {@code key=value} arguments as a JSON object; an unknown key or a missing {@code =} is a usage error. */
    private static ObjectNode fields(List<String> args, Set<String> allowed) {
        ObjectNode o = JsonText.MAPPER.createObjectNode();
        if (args == null) {
            return o;
        }
        for (String a : args) {
            int eq = a.indexOf('=');
            String key = eq < 0 ? a : a.substring(0, eq);
            if (eq <= 0 || !allowed.contains(key)) {
                throw new CliException("'" + a + "' (expected: key=value with key one of "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            o.put(key, a.substring(eq + 1));
        }
        return o;
    }
}
