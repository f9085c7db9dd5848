package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.BoxTable;
import io.gatehouse.cli.output.JsonText;
import java.util.ArrayList;
import java.util.List;

/**
 * Helpers the verbs share: reading fields of JSON:API resources, joining relationship ids, and printing a table or
 * TSV as the global options ask. Stateless.
 */
final class Rows {
    private Rows() {
    }

    static String at(JsonNode n, String pointer) {
        JsonNode v = n.at(pointer);
        return v.isMissingNode() || v.isNull() ? "" : v.isValueNode() ? v.asText() : JsonText.pretty(v);
    }

    /** The ids of a relationship, joined with {@code sep}. */
    static String ids(JsonNode resource, String relationship, String sep) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : resource.path("relationships").path(relationship).path("data")) {
            out.add(r.path("id").asText());
        }
        return String.join(sep, out);
    }

    /** The ids of a relationship, in order; empty when the resource has none. */
    static List<String> idList(JsonNode resource, String relationship) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : resource.path("relationships").path(relationship).path("data")) {
            out.add(r.path("id").asText());
        }
        return out;
    }

    static String print(Gatectl g, BoxTable t) {
        return g.tsv() ? t.tsv() : t.render();
    }
}
