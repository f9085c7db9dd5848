package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.DocumentPaths;
import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.sql.UpdateSql;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonValue;

import java.util.Map;

/**
 * Builds the document an upsert inserts when nothing matched: the filter's equality fields, then the update
 * operators applied to it (or the replacement document), with an {@code _id}. Stateless; any thread.
 */
final class Upserts {
    private Upserts() {
    }

    static BsonDocument document(BsonDocument filter, BsonDocument update) {
        BsonDocument doc = new BsonDocument();
        if (!UpdateSql.isOperatorUpdate(update)) {
            doc.putAll(update);
            if (!doc.containsKey("_id") && equalityValue(filter.get("_id")) != null) {
                doc.put("_id", equalityValue(filter.get("_id")));
            }
            return WriteCommands.withId(doc);
        }
        for (Map.Entry<String, BsonValue> e : filter.entrySet()) {
            BsonValue v = equalityValue(e.getValue());
            if (!e.getKey().startsWith("$") && v != null) {
                DocumentPaths.set(doc, e.getKey(), v);
            }
        }
        for (Map.Entry<String, BsonValue> op : update.entrySet()) {
            for (Map.Entry<String, BsonValue> f : op.getValue().asDocument().entrySet()) {
                switch (op.getKey()) {
                    case "$set" -> DocumentPaths.set(doc, f.getKey(), f.getValue());
                    case "$unset" -> DocumentPaths.remove(doc, f.getKey());
                    case "$inc" -> DocumentPaths.set(doc, f.getKey(), add(DocumentPaths.get(doc, f.getKey()), f.getValue()));
                    default -> throw NosqlException.badValue("unsupported update operator: " + op.getKey());
                }
            }
        }
        return WriteCommands.withId(doc);
    }

    private static BsonValue equalityValue(BsonValue v) {
        if (v == null) {
            return null;
        }
        if (v.isDocument() && !v.asDocument().isEmpty() && v.asDocument().getFirstKey().startsWith("$")) {
            return v.asDocument().size() == 1 ? v.asDocument().get("$eq") : null;
        }
        return v;
    }

    private static BsonValue add(BsonValue current, BsonValue inc) {
        if (current == null || !current.isNumber()) {
            return inc;
        }
        if (current.isDouble() || inc.isDouble()) {
            return new BsonDouble(current.asNumber().doubleValue() + inc.asNumber().doubleValue());
        }
        long sum = current.asNumber().longValue() + inc.asNumber().longValue();
        return sum == (int) sum && current.isInt32() && inc.isInt32() ? new BsonInt32((int) sum) : new BsonInt64(sum);
    }
}
