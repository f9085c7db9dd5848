package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlException;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Index commands. Every collection table has exactly one index, the unique {@code id} column that is the
 * {@code _id_} index; asking for that one succeeds, any other index is refused with CommandNotSupported (MariaDB
 * cannot index inside the {@code doc} JSON column without adding columns to the table). Stateless; event loop.
 */
final class IndexCommands {
    private static final String ID_INDEX = "_id_";

    private IndexCommands() {
    }

    static BsonDocument createIndexes(String db, BsonDocument cmd) {
        Commands.collection(cmd);
        BsonValue indexes = cmd.get("indexes");
        if (indexes == null || !indexes.isArray() || indexes.asArray().isEmpty()) {
            throw NosqlException.badValue("'indexes' must be a nonempty array");
        }
        for (BsonValue v : indexes.asArray()) {
            BsonDocument key = v.isDocument() ? Commands.documentOr(v.asDocument(), "key") : new BsonDocument();
            if (!(key.size() == 1 && key.containsKey("_id"))) {
                throw new NosqlException(NosqlException.COMMAND_NOT_SUPPORTED, "CommandNotSupported",
                        "only the _id index exists in nosqlprotocol collections; cannot create an index on " + key.toJson());
            }
        }
        return new BsonDocument("numIndexesBefore", new BsonInt32(1)).append("numIndexesAfter", new BsonInt32(1))
                .append("note", new BsonString("all indexes already exist")).append("ok", new BsonDouble(1));
    }

    static BsonDocument dropIndexes(BsonDocument cmd) {
        Commands.collection(cmd);
        BsonValue index = cmd.get("index");
        if (index != null && index.isString() && index.asString().getValue().equals("*")) {
            return new BsonDocument("nIndexesWas", new BsonInt32(1)).append("ok", new BsonDouble(1));
        }
        if (index != null && index.isString() && index.asString().getValue().equals(ID_INDEX)) {
            throw new NosqlException(72, "InvalidOptions", "cannot drop _id index");
        }
        throw new NosqlException(27, "IndexNotFound", "index not found with name [" + index + "]");
    }

    static BsonDocument listIndexes(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        BsonArray batch = new BsonArray();
        batch.add(new BsonDocument("v", new BsonInt32(2)).append("key", new BsonDocument("_id", new BsonInt32(1)))
                .append("name", new BsonString(ID_INDEX)));
        return new BsonDocument("cursor", new BsonDocument("id", new BsonInt64(0))
                .append("ns", new BsonString(db + "." + coll)).append("firstBatch", batch)).append("ok", new BsonDouble(1));
    }
}
