package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.output.JsonText;
import java.util.List;

/**
 * Builds the JSON:API request bodies the write verbs send: a resource with {@code id}, {@code type},
 * {@code attributes.parameters} (from maxctrl's {@code key=value} arguments) and {@code relationships}. Stateless.
 */
final class Bodies {
    private Bodies() {
    }

    /** {@code {"data": {"id", "type", "attributes": {"parameters": {}}}}}; returns the document. */
    static ObjectNode resource(String id, String type) {
        ObjectNode doc = JsonText.MAPPER.createObjectNode();
        ObjectNode data = doc.putObject("data");
        data.put("id", id);
        data.put("type", type);
        data.putObject("attributes").putObject("parameters");
        return doc;
    }

    static ObjectNode attributes(ObjectNode doc) {
        return (ObjectNode) doc.get("data").get("attributes");
    }

    static ObjectNode parameters(ObjectNode doc) {
        return (ObjectNode) attributes(doc).get("parameters");
    }

    /** Adds {@code key=value} arguments as parameters; anything else is a usage error naming the argument. */
    static void keyValues(ObjectNode doc, List<String> args) {
        if (args == null) {
            return;
        }
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new CliException("'" + a + "' is not a parameter (expected: key=value)");
            }
            parameters(doc).put(a.substring(0, eq), a.substring(eq + 1));
        }
    }

    /** Adds {@code KEY VALUE} pairs as parameters (the form {@code alter} takes). */
    static ObjectNode pairs(List<String> args) {
        if (args == null || args.isEmpty() || args.size() % 2 != 0) {
            throw new CliException("expected pairs of KEY VALUE, got " + (args == null ? 0 : args.size()) + " words");
        }
        ObjectNode doc = JsonText.MAPPER.createObjectNode();
        ObjectNode p = doc.putObject("data").putObject("attributes").putObject("parameters");
        for (int i = 0; i < args.size(); i += 2) {
            p.put(args.get(i), args.get(i + 1));
        }
        return doc;
    }

    /** Sets {@code data.relationships.<type>.data} to the given ids, when there are any. */
    static void relate(ObjectNode doc, String type, List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return;
        }
        ObjectNode data = (ObjectNode) doc.get("data");
        ObjectNode rels = data.has("relationships") ? (ObjectNode) data.get("relationships") : data.putObject("relationships");
        rels.putObject(type).set("data", identifiers(type, ids));
    }

    /** {@code [{"id", "type"}...]}. */
    static ArrayNode identifiers(String type, List<String> ids) {
        ArrayNode list = JsonText.MAPPER.createArrayNode();
        for (String id : ids) {
            list.addObject().put("id", id).put("type", type);
        }
        return list;
    }

    static String text(ObjectNode doc) {
        return doc.toString();
    }
}
