package io.gatehouse.protocols.nosql.sql;

import io.gatehouse.protocols.nosql.DocumentJson;
import io.gatehouse.protocols.nosql.NosqlException;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.Map;

/**
 * Translates a MongoDB update document into the SQL expression of a collection table's new {@code doc}: a
 * replacement document (which keeps the stored {@code _id}) or the update operators {@code $set}, {@code $unset},
 * {@code $inc} and those of {@link UpdateOperators}; other operators and pipelines are refused with a BadValue error
 * naming them. Stateless; any thread.
 */
public final class UpdateSql {
    private UpdateSql() {
    }

    /** Whether {@code update} is made of operators (otherwise it replaces the document). */
    public static boolean isOperatorUpdate(BsonDocument update) {
        boolean operators = false;
        boolean fields = false;
        for (String key : update.keySet()) {
            if (key.startsWith("$")) {
                operators = true;
            } else {
                fields = true;
            }
        }
        if (operators && fields) {
            throw NosqlException.badValue("an update document must hold either only update operators or no operator");
        }
        return operators;
    }

    /** The expression of the new document, to be used as {@code SET doc = <expression>}. */
    public static String newDocument(BsonValue update) {
        if (!update.isDocument()) {
            throw NosqlException.badValue("only update documents are supported, not aggregation pipelines");
        }
        BsonDocument u = update.asDocument();
        if (!isOperatorUpdate(u)) {
            BsonDocument replacement = u.clone();
            replacement.remove("_id");
            return "JSON_SET(" + SqlText.literal(DocumentJson.toJson(replacement)) + ", '$._id', JSON_EXTRACT(doc, '$._id'))";
        }
        String expr = "doc";
        for (Map.Entry<String, BsonValue> op : u.entrySet()) {
            if (!op.getValue().isDocument()) {
                throw NosqlException.badValue("modifier " + op.getKey() + " needs a document");
            }
            for (Map.Entry<String, BsonValue> f : op.getValue().asDocument().entrySet()) {
                String field = f.getKey();
                if (field.equals("_id") || field.startsWith("_id.")) {
                    throw new NosqlException(66, "ImmutableField", "performing an update on the path '_id' would modify the immutable field '_id'");
                }
                String path = SqlText.path(field);
                expr = switch (op.getKey()) {
                    case "$set" -> "JSON_SET(" + expr + ", " + path + ", " + value(f.getValue()) + ")";
                    case "$unset" -> "JSON_REMOVE(" + expr + ", " + path + ")";
                    case "$inc" -> {
                        if (!f.getValue().isNumber()) {
                            throw new NosqlException(14, "TypeMismatch", "cannot increment with non-numeric argument: {" + field + ": " + f.getValue() + "}");
                        }
                        yield "JSON_SET(" + expr + ", " + path + ", IFNULL(JSON_VALUE(doc, " + path + "), 0) + "
                                + DocumentJson.valueJson(f.getValue()) + ")";
                    }
                    default -> UpdateOperators.apply(op.getKey(), expr, field, f.getValue());
                };
            }
        }
        return expr;
    }

    /** A SQL expression whose value JSON_SET stores as {@code v}: plain literals for numbers and strings, JSON otherwise. */
    static String value(BsonValue v) {
        if (v.isNumber()) {
            return DocumentJson.valueJson(v);
        }
        if (v.isString()) {
            return SqlText.literal(v.asString().getValue());
        }
        // JSON_EXTRACT's result is JSON, so JSON_SET keeps objects, arrays, booleans and null as such.
        return "JSON_EXTRACT(" + SqlText.literal("{\"v\": " + DocumentJson.valueJson(v) + "}") + ", '$.v')";
    }
}
