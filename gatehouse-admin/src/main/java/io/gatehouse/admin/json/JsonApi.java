package io.gatehouse.admin.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;

/**
 * Builds JSON:API documents in the shape MaxScale's REST API uses: a top-level {@code data} (one resource or a list)
 * with {@code links.self}, resources with {@code id}, {@code type}, {@code attributes}, {@code relationships} and
 * {@code links}, and relationships with {@code data} and {@code links.related}/{@code links.self}. Stateless; used
 * on the admin thread.
 */
public final class JsonApi {
    private final String base;

    /** {@code base} is the API root ending in {@code /v1/}, as seen by the client. */
    public JsonApi(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    /** A document holding one resource. */
    public ObjectNode document(ObjectNode resource, String selfPath) {
        ObjectNode doc = Json.object();
        doc.set("data", resource);
        doc.set("links", links(selfPath));
        return doc;
    }

    /** A document holding a list of resources. */
    public ObjectNode collection(Collection<ObjectNode> resources, String selfPath) {
        ObjectNode doc = Json.object();
        ArrayNode data = doc.putArray("data");
        resources.forEach(data::add);
        doc.set("links", links(selfPath));
        return doc;
    }

    /** A resource skeleton: id, type, empty attributes, links.self = type/id. */
    public ObjectNode resource(String id, String type, String selfPath) {
        ObjectNode r = Json.object();
        r.put("id", id);
        r.put("type", type);
        r.putObject("attributes");
        if (selfPath != null) {
            r.set("links", links(selfPath));
        }
        return r;
    }

    /**
     * A relationship of {@code owner} (e.g. {@code servers/server1}) to objects of {@code type}: the list of
     * identifiers and its links.
     */
    public ObjectNode relationship(String ownerPath, String type, List<String> ids) {
        ObjectNode rel = Json.object();
        ArrayNode data = rel.putArray("data");
        for (String id : ids) {
            ObjectNode ref = data.addObject();
            ref.put("id", id);
            ref.put("type", type);
        }
        ObjectNode links = rel.putObject("links");
        links.put("related", base + type + "/");
        links.put("self", base + ownerPath + "/relationships/" + type + "/");
        return rel;
    }

    public ObjectNode links(String selfPath) {
        ObjectNode l = Json.object();
        l.put("self", base + selfPath + "/");
        return l;
    }

    /** The error document MaxScale answers with: {@code {"errors":[{"detail":...}]}}. */
    public static ObjectNode error(String detail) {
        ObjectNode doc = Json.object();
        doc.putArray("errors").addObject().put("detail", detail);
        return doc;
    }
}
