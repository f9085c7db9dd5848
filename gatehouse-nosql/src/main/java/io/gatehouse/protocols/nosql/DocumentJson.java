package io.gatehouse.protocols.nosql;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Converts documents to and from the JSON text stored in a collection table's {@code doc} column: MongoDB's relaxed
 * extended JSON, so an ObjectId is {@code {"$oid": ...}} and a date {@code {"$date": ...}} while numbers, strings
 * and booleans stay plain JSON that MariaDB's JSON functions compare. Stateless; any thread.
 */
public final class DocumentJson {
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
    private static final String WRAP_KEY = "v";

    private DocumentJson() {
    }

    public static String toJson(BsonDocument doc) {
        return doc.toJson(RELAXED);
    }

    /** The JSON text of a single value (a number, a string, an object ...). */
    public static String valueJson(BsonValue value) {
        String wrapped = new BsonDocument(WRAP_KEY, value).toJson(RELAXED);
        int colon = wrapped.indexOf(':');
        return wrapped.substring(colon + 1, wrapped.length() - 1).trim();
    }

    public static BsonDocument parse(String json) {
        return BsonDocument.parse(json);
    }

    /** Parses the JSON text of a single value, as {@code JSON_EXTRACT} returns it. */
    public static BsonValue parseValue(String json) {
        return BsonDocument.parse("{\"" + WRAP_KEY + "\": " + json + "}").get(WRAP_KEY);
    }
}
