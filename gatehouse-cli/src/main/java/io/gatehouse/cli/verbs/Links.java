package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cli.AdminClient;
import io.gatehouse.cli.output.JsonText;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code link} and {@code unlink} share: read an object's current relationship, add or remove targets, and
 * write the whole list back with {@code PATCH /v1/<type>/<name>/relationships/<kind>}. Stateless.
 */
final class Links {
    private Links() {
    }

    static String change(AdminClient c, String collection, String name, String kind, List<String> targets, boolean add) {
        JsonNode doc = c.get(collection + "/" + Paths.segment(name));
        List<String> ids = new ArrayList<>();
        for (JsonNode ref : doc.path("data").path("relationships").path(kind).path("data")) {
            ids.add(ref.path("id").asText());
        }
        for (String t : targets) {
            if (add && !ids.contains(t)) {
                ids.add(t);
            } else if (!add) {
                ids.remove(t);
            }
        }
        ObjectNode body = JsonText.MAPPER.createObjectNode();
        body.set("data", Bodies.identifiers(kind, ids));
        c.send("PATCH", collection + "/" + Paths.segment(name) + "/relationships/" + kind, body.toString());
        return "OK\n";
    }
}
