package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.api.filter.Filter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A filter's editable documents, {@code /filters/:name/:document} (the firewall's {@code rules} and {@code learned}):
 * {@code GET} reads one, {@code PUT} replaces it with {@code data}, {@code POST} adds the entries of {@code data},
 * {@code DELETE} removes the entries its query parameters choose (all without any). Each answers
 * {@code {"data": contents, "links": {"self": ...}}}. Runs on the admin thread; the filter checks and persists the
 * change before it answers, and refuses a bad one (400) naming the field.
 */
public final class FilterDocuments {
    private final AdminContext ctx;

    public FilterDocuments(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode read(JsonApi api, String name, String document) {
        Filter f = require(name, document);
        return answer(api, name, document, call(() -> f.readDocument(document)));
    }

    public ObjectNode write(JsonApi api, String name, String document, JsonNode body, boolean replace) {
        Filter f = require(name, document);
        if (body == null || !body.has("data")) {
            throw ApiException.badRequest("data: missing (expected: the document's entries under \"data\")");
        }
        Object value = Json.MAPPER.convertValue(body.get("data"), Object.class);
        return answer(api, name, document, call(() -> f.writeDocument(document, value, replace)));
    }

    public ObjectNode remove(JsonApi api, String name, String document, Map<String, List<String>> query) {
        Filter f = require(name, document);
        Map<String, String> selection = new LinkedHashMap<>();
        query.forEach((k, v) -> selection.put(k, v.isEmpty() ? "" : String.join(",", v)));
        return answer(api, name, document, call(() -> f.removeFromDocument(document, selection)));
    }

    private Filter require(String name, String document) {
        Filter f = ctx.runtime().filters().get(name);
        if (f == null) {
            throw ApiException.notFound("filter '" + name + "'");
        }
        if (!f.documents().contains(document)) {
            throw ApiException.notFound("document '" + document + "' of filter '" + name + "'");
        }
        return f;
    }

    private static Object call(java.util.function.Supplier<Object> work) {
        try {
            return work.get();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new ApiException(500, e.getMessage());
        }
    }

    private static ObjectNode answer(JsonApi api, String name, String document, Object contents) {
        ObjectNode doc = Json.object();
        Json.putValue(doc, "data", contents);
        doc.set("links", api.links("filters/" + name + "/" + document));
        return doc;
    }
}
