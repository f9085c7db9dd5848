package io.gatehouse.protocols.nosql;

import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.Map;

/**
 * Reads and changes dotted fields ({@code a.b.c}) of documents in memory: projections, and the document an upsert
 * inserts. Stateless; any thread; it changes only the documents it is handed.
 */
public final class DocumentPaths {
    private DocumentPaths() {
    }

    public static BsonValue get(BsonDocument doc, String path) {
        BsonValue at = doc;
        for (String key : path.split("\\.")) {
            if (at == null || !at.isDocument()) {
                return null;
            }
            at = at.asDocument().get(key);
        }
        return at;
    }

    public static void set(BsonDocument doc, String path, BsonValue value) {
        String[] keys = path.split("\\.");
        BsonDocument at = doc;
        for (int i = 0; i < keys.length - 1; i++) {
            BsonValue next = at.get(keys[i]);
            if (next == null || !next.isDocument()) {
                next = new BsonDocument();
                at.put(keys[i], next);
            }
            at = next.asDocument();
        }
        at.put(keys[keys.length - 1], value);
    }

    public static void remove(BsonDocument doc, String path) {
        String[] keys = path.split("\\.");
        BsonDocument at = doc;
        for (int i = 0; i < keys.length - 1; i++) {
            BsonValue next = at.get(keys[i]);
            if (next == null || !next.isDocument()) {
                return;
            }
            at = next.asDocument();
        }
        at.remove(keys[keys.length - 1]);
    }

    /**
     * Applies a projection as MongoDB does: an inclusion projection keeps the listed fields and {@code _id} (unless
     * {@code _id: 0}); an exclusion projection drops the listed fields. Mixing both is a BadValue error.
     */
    public static BsonDocument project(BsonDocument doc, BsonDocument projection) {
        if (projection == null || projection.isEmpty()) {
            return doc;
        }
        Boolean inclusion = null;
        boolean keepId = true;
        for (Map.Entry<String, BsonValue> e : projection.entrySet()) {
            boolean include = truthy(e.getValue());
            if (e.getKey().equals("_id")) {
                keepId = include;
                continue;
            }
            if (inclusion != null && inclusion != include) {
                throw NosqlException.badValue("cannot mix inclusion and exclusion in a projection");
            }
            inclusion = include;
        }
        if (inclusion == null || !inclusion) {
            BsonDocument out = doc.clone();
            for (Map.Entry<String, BsonValue> e : projection.entrySet()) {
                if (!truthy(e.getValue())) {
                    remove(out, e.getKey());
                }
            }
            return out;
        }
        BsonDocument out = new BsonDocument();
        if (keepId && doc.containsKey("_id")) {
            out.put("_id", doc.get("_id"));
        }
        for (Map.Entry<String, BsonValue> e : projection.entrySet()) {
            if (!e.getKey().equals("_id") && truthy(e.getValue())) {
                BsonValue v = get(doc, e.getKey());
                if (v != null) {
                    set(out, e.getKey(), v);
                }
            }
        }
        return out;
    }

    public static boolean truthy(BsonValue v) {
        if (v.isBoolean()) {
            return v.asBoolean().getValue();
        }
        if (v.isNumber()) {
            return v.asNumber().doubleValue() != 0;
        }
        return !v.isNull();
    }
}
