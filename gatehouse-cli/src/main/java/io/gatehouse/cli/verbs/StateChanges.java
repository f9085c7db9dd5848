package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.Gatectl;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code start} and {@code stop} share: {@code PUT /v1/COLLECTION/NAME/ACTION} for one object, or for every
 * object of a collection as listed first; each prints OK per host. Stateless; runs on the command's thread.
 */
final class StateChanges {
    private StateChanges() {
    }

    /** {@code action} (start or stop) on the object {@code name} of {@code collection}. */
    static void one(Gatectl gatectl, String collection, String name, String action) {
        one(gatectl, collection, name, action, false);
    }

    /** The same; with {@code force} ({@code stop --force}) the request asks the API to close connections too. */
    static void one(Gatectl gatectl, String collection, String name, String action, boolean force) {
        String path = collection + "/" + Paths.segment(name) + "/" + action + (force ? "?force=yes" : "");
        gatectl.eachHost(c -> {
            c.send("PUT", path, null);
            return "OK\n";
        });
    }

    /** {@code action} on every object of {@code collection}, each host reading its own list. */
    static void all(Gatectl gatectl, String collection, String action) {
        all(gatectl, collection, action, false);
    }

    /** The same, with {@code ?force=yes} on each request when {@code force}. */
    static void all(Gatectl gatectl, String collection, String action, boolean force) {
        gatectl.eachHost(c -> {
            List<String> ids = new ArrayList<>();
            for (JsonNode r : c.get(collection).path("data")) {
                ids.add(r.path("id").asText());
            }
            for (String id : ids) {
                c.send("PUT", collection + "/" + Paths.segment(id) + "/" + action + (force ? "?force=yes" : ""), null);
            }
            return "OK\n";
        });
    }
}
