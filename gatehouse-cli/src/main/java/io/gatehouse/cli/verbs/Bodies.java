package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.output.JsonText;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            parameters(doc).set(a.substring(0, eq), value(a.substring(eq + 1)));
        }
    }

    /**
     * A parameter's value typed as maxctrl types it: {@code true}/{@code false} as booleans, numbers as numbers, a
     * JSON array as an array, anything else (the empty string too) as text. The API reads each back as the text a
     * configuration file would hold.
     */
    static JsonNode value(String v) {
        if (v.isEmpty()) {
            return JsonText.MAPPER.getNodeFactory().textNode(v);
        }
        if (v.equals("true") || v.equals("false")) {
            return JsonText.MAPPER.getNodeFactory().booleanNode(v.equals("true"));
        }
        if (v.strip().matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            BigDecimal n = new BigDecimal(v.strip().startsWith("+") ? v.strip().substring(1) : v.strip());
            return n.scale() <= 0 && n.signum() != 0 || n.signum() == 0 && !v.contains(".")
                    ? JsonText.MAPPER.getNodeFactory().numberNode(n.toBigIntegerExact())
                    : JsonText.MAPPER.getNodeFactory().numberNode(n);
        }
        if (v.startsWith("[")) {
            try {
                JsonNode parsed = JsonText.MAPPER.readTree(v);
                if (parsed != null && parsed.isArray()) {
                    return parsed;
                }
            } catch (java.io.IOException e) {
                // Not a JSON array: the text itself.
            }
        }
        return JsonText.MAPPER.getNodeFactory().textNode(v);
    }

    /**
     * The parameters {@code alter} takes, as maxctrl reads them: every word {@code key=value}, or else the older
     * {@code key value} pairs; a missing value or the value {@code null} is refused naming it. In order.
     */
    static Map<String, String> alterations(List<String> args) {
        if (args == null || args.isEmpty()) {
            throw new CliException("expected key=value parameters");
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (args.stream().allMatch(a -> a.indexOf('=') > 0)) {
            args.forEach(a -> out.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1)));
        } else if (args.size() % 2 != 0) {
            throw new CliException("No value defined for parameter `" + args.get(args.size() - 1) + "`"
                    + " (expected key=value, or the older key value pairs)");
        } else {
            for (int i = 0; i < args.size(); i += 2) {
                out.put(args.get(i), args.get(i + 1));
            }
        }
        if (out.containsValue("null")) {
            throw new CliException("Found null value in parameter list: " + args);
        }
        return out;
    }

    /** {@code {"data": {"attributes": {"parameters": {...typed values}}}}}. */
    static ObjectNode patch(Map<String, String> params) {
        ObjectNode doc = JsonText.MAPPER.createObjectNode();
        ObjectNode p = doc.putObject("data").putObject("attributes").putObject("parameters");
        params.forEach((k, v) -> p.set(k, value(v)));
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

    /** Sets {@code data.relationships.<type>.data} to exactly the given ids, none included (which clears it). */
    static void relateExactly(ObjectNode doc, String type, List<String> ids) {
        ObjectNode data = (ObjectNode) doc.get("data");
        ObjectNode rels = data.has("relationships") ? (ObjectNode) data.get("relationships")
                : data.putObject("relationships");
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
