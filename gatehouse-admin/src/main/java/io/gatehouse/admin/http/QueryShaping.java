package io.gatehouse.admin.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.json.Json;
import java.util.List;
import java.util.Map;

/**
 * MaxScale's common query parameters on a GET's JSON document, applied after the resource answered:
 * {@code filter=JSON_POINTER=JSON_VALUE} keeps the rows of a collection whose value at the pointer equals the value;
 * {@code fields[TYPE]=a,b/c} keeps only those paths of the attributes and relationships of resources of that type;
 * {@code page[size]} and {@code page[number]} cut a collection into pages, with a {@code next} link while more
 * remain. Stateless; used on the admin thread on documents it owns.
 */
final class QueryShaping {
    private QueryShaping() {
    }

    /** Shapes {@code doc} in place as the request's parameters ask; {@code selfUrl} is the request's own URL. */
    static void apply(ObjectNode doc, Map<String, List<String>> query, String selfUrl) {
        JsonNode data = doc.get("data");
        if (data == null) {
            return;
        }
        String filter = first(query, "filter");
        if (filter != null && data.isArray()) {
            filter((ArrayNode) data, filter);
        }
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("fields[") && k.endsWith("]") && !e.getValue().isEmpty()) {
                String type = k.substring(7, k.length() - 1);
                List<String> fields = List.of(e.getValue().get(0).split(","));
                if (data.isArray()) {
                    data.forEach(r -> sparse(r, type, fields));
                } else {
                    sparse(data, type, fields);
                }
            }
        }
        if (data.isArray()) {
            page(doc, (ArrayNode) data, query, selfUrl);
        }
    }

    private static void filter(ArrayNode rows, String filter) {
        int eq = filter.indexOf('=');
        if (eq <= 0) {
            throw ApiException.badRequest("filter: expected JSON_POINTER=JSON_VALUE, as in"
                    + " filter=/attributes/state=\"Running\", got '" + filter + "'");
        }
        JsonPointer ptr;
        JsonNode want;
        try {
            ptr = JsonPointer.compile(filter.substring(0, eq));
            want = Json.MAPPER.readTree(filter.substring(eq + 1));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw ApiException.badRequest("filter: '" + filter + "' is not JSON_POINTER=JSON_VALUE (strings need"
                    + " double quotes): " + e.getMessage());
        }
        if (want == null || want.isMissingNode()) {
            throw ApiException.badRequest("filter: no JSON value after '=' in '" + filter + "'");
        }
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (!sameValue(want, rows.get(i).at(ptr))) {
                rows.remove(i);
            }
        }
    }

    /** JSON equality, numbers by value (the documents hold longs where the filter's text parses to ints). */
    private static boolean sameValue(JsonNode want, JsonNode have) {
        if (want.isNumber() && have.isNumber()) {
            return want.decimalValue().compareTo(have.decimalValue()) == 0;
        }
        return want.equals(have);
    }

    /** Keeps only {@code fields} (pointers below attributes or relationships) of a resource of {@code type}. */
    private static void sparse(JsonNode resource, String type, List<String> fields) {
        if (!(resource instanceof ObjectNode r) || !type.equals(r.path("type").asText())) {
            return;
        }
        for (String part : new String[] {"attributes", "relationships"}) {
            JsonNode whole = r.get(part);
            if (!(whole instanceof ObjectNode)) {
                continue;
            }
            ObjectNode kept = Json.object();
            for (String f : fields) {
                copyPath(whole, kept, f.trim());
            }
            r.set(part, kept);
        }
    }

    /** Copies the value at the slash-separated {@code path} of {@code from} into {@code to}, objects only. */
    private static void copyPath(JsonNode from, ObjectNode to, String path) {
        String[] steps = path.startsWith("/") ? path.substring(1).split("/") : path.split("/");
        JsonNode src = from;
        ObjectNode dst = to;
        for (int i = 0; i < steps.length; i++) {
            // Pointers do not go past arrays: a step into a non-object ends the path there.
            if (!(src instanceof ObjectNode) || !src.has(steps[i])) {
                return;
            }
            JsonNode next = src.get(steps[i]);
            if (i == steps.length - 1 || !(next instanceof ObjectNode)) {
                dst.set(steps[i], next.deepCopy());
                return;
            }
            dst = dst.has(steps[i]) && dst.get(steps[i]) instanceof ObjectNode o ? o : dst.putObject(steps[i]);
            src = next;
        }
    }

    private static void page(ObjectNode doc, ArrayNode rows, Map<String, List<String>> query, String selfUrl) {
        long size = positive(first(query, "page[size]"));
        if (size <= 0) {
            return;                                        // MaxScale ignores a size that is not a positive integer
        }
        long number = Math.max(0, positive(first(query, "page[number]")));
        long from = Math.min(rows.size(), size * number);
        long to = Math.min(rows.size(), from + size);
        ArrayNode kept = Json.MAPPER.createArrayNode();
        for (long i = from; i < to; i++) {
            kept.add(rows.get((int) i));
        }
        doc.set("data", kept);
        if (to < rows.size() && doc.get("links") instanceof ObjectNode links) {
            links.put("next", withPage(selfUrl, number + 1));
        }
    }

    private static String withPage(String url, long number) {
        String stripped = url.replaceAll("([?&])page(%5B|\\[)number(%5D|\\])=[^&]*&?", "$1");
        if (stripped.endsWith("&") || stripped.endsWith("?")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped + (stripped.contains("?") ? "&" : "?") + "page[number]=" + number;
    }

    private static long positive(String v) {
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String first(Map<String, List<String>> query, String key) {
        List<String> v = query.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
