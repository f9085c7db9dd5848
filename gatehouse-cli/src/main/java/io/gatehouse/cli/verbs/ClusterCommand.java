package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cli.AdminClient;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.JsonText;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * maxctrl's {@code cluster diff TARGET} and {@code cluster sync TARGET}: compare each instance of {@code --hosts}
 * with the instance at TARGET (HOST:PORT), or make each one match it: objects only the target has are created
 * (servers first, listeners last), objects it lacks are destroyed (in the reverse order), and parameters and
 * relationships that differ are changed with PATCH. Global parameters are not touched. Runs on the command's thread.
 */
@Command(name = "cluster", description = "Compare or synchronize instances")
public final class ClusterCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "diff", description = "Show how the --hosts instances differ from TARGET (HOST:PORT)")
    void diff(@Parameters(paramLabel = "TARGET") String target) {
        AdminClient t = gatectl.client(target);
        gatectl.eachHost(c -> JsonText.pretty(ClusterDiff.between(t, c).report()) + "\n");
    }

    @Command(name = "sync", description = "Make the --hosts instances match TARGET (HOST:PORT)")
    void sync(@Parameters(paramLabel = "TARGET") String target) {
        AdminClient t = gatectl.client(target);
        gatectl.eachHost(c -> {
            ClusterDiff d = ClusterDiff.between(t, c);
            List<String> failed = new ArrayList<>();
            for (String col : ClusterDiff.COLLECTIONS) {
                for (String id : d.added(col)) {
                    attempt(failed, "create " + id, () -> c.send("POST", col, creation(d.target.get(col).get(id))));
                }
            }
            for (String col : ClusterDiff.COLLECTIONS) {
                for (String id : d.target.get(col).keySet()) {
                    if (!d.host.get(col).containsKey(id)) {
                        continue;
                    }
                    ObjectNode params = d.changedParameters(col, id);
                    ObjectNode rels = d.changedRelationships(col, id);
                    if (params.isEmpty() && rels.isEmpty()) {
                        continue;
                    }
                    ObjectNode doc = Bodies.resource(id, col);
                    if (!params.isEmpty()) {
                        Bodies.attributes(doc).set("parameters", params);
                    }
                    if (!rels.isEmpty()) {
                        ((ObjectNode) doc.get("data")).set("relationships", rels);
                    }
                    attempt(failed, "alter " + id, () -> c.send("PATCH", col + "/" + Paths.segment(id), doc.toString()));
                }
            }
            for (String col : reversed(ClusterDiff.COLLECTIONS)) {
                for (String id : d.removed(col)) {
                    attempt(failed, "destroy " + id,
                            () -> c.send("DELETE", col + "/" + Paths.segment(id) + "?force=yes", null));
                }
            }
            if (!failed.isEmpty()) {
                throw new CliException(c.base() + ": not synchronized: " + String.join("; ", failed));
            }
            return "OK\n";
        });
    }

    /** The POST body that makes an object like the target's: its parameters (masked passwords left out) and links. */
    private static String creation(JsonNode resource) {
        ObjectNode doc = Bodies.resource(resource.path("id").asText(), resource.path("type").asText());
        ObjectNode params = Bodies.attributes(doc).putObject("parameters");
        for (var e : resource.path("attributes").path("parameters").properties()) {
            if (!e.getValue().isNull() && !"*****".equals(e.getValue().asText())) {
                params.set(e.getKey(), e.getValue());
            }
        }
        String module = resource.path("attributes").path("module").asText("");
        if (!module.isEmpty()) {
            Bodies.attributes(doc).put("module", module);
        }
        String router = resource.path("attributes").path("router").asText("");
        if (!router.isEmpty()) {
            Bodies.attributes(doc).put("router", router);
        }
        JsonNode rels = resource.path("relationships");
        if (rels.isObject()) {
            ObjectNode copy = ((ObjectNode) doc.get("data")).putObject("relationships");
            rels.properties().forEach(e -> {
                if (e.getValue().has("data")) {
                    copy.putObject(e.getKey()).set("data", e.getValue().get("data"));
                }
            });
        }
        return doc.toString();
    }

    private static List<String> reversed(List<String> in) {
        List<String> out = new ArrayList<>(in);
        java.util.Collections.reverse(out);
        return out;
    }

    private static void attempt(List<String> failed, String what, Runnable r) {
        try {
            r.run();
        } catch (CliException e) {
            failed.add(what + ": " + e.getMessage());
        }
    }
}
