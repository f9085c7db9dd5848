package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.DocumentJson;
import io.gatehouse.protocols.nosql.DocumentPaths;
import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.sql.FilterSql;
import io.gatehouse.protocols.nosql.sql.SortSql;
import io.gatehouse.protocols.nosql.sql.SqlText;
import io.gatehouse.protocols.nosql.sql.UpdateSql;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonValue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code findAndModify}: selects the first matching document (in {@code sort} order), then removes or updates
 * that one document by its {@code id}, or upserts; replies with the document before or ({@code new: true}) after.
 * The select and the change are two statements, not one transaction. Stateless; the client channel's event loop.
 */
final class FindAndModify {
    private FindAndModify() {
    }

    static CompletableFuture<BsonDocument> run(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        String table = SqlText.table(db, coll);
        BsonDocument query = Commands.documentOr(cmd, "query");
        boolean remove = Commands.bool(cmd, "remove", false);
        BsonValue update = cmd.get("update");
        if (remove == (update != null)) {
            throw new NosqlException(NosqlException.FAILED_TO_PARSE, "FailedToParse",
                    "findAndModify needs exactly one of 'remove: true' and 'update'");
        }
        boolean returnNew = Commands.bool(cmd, "new", false);
        boolean upsert = Commands.bool(cmd, "upsert", false);
        BsonDocument fields = Commands.documentOr(cmd, "fields");
        String newDoc = remove ? null : UpdateSql.newDocument(update);
        String select = "SELECT doc FROM " + table + " WHERE " + FilterSql.where(query)
                + SortSql.orderBy(Commands.documentOr(cmd, "sort")) + " LIMIT 1";
        return ctx.sql().run(select).thenCompose(r -> {
            List<BsonDocument> found = ReadCommands.documents(r, null);
            if (found.isEmpty()) {
                if (!upsert || remove) {
                    return done(BsonNull.VALUE, new BsonDocument("n", new BsonInt32(0))
                            .append("updatedExisting", BsonBoolean.FALSE));
                }
                BsonDocument doc = Upserts.document(query, update.asDocument());
                return ctx.runCreating(db, coll, "INSERT INTO " + table + " (doc) VALUES ("
                        + SqlText.literal(DocumentJson.toJson(doc)) + ")").thenCompose(ins -> {
                            CommandContext.check(ins);
                            return done(returnNew ? DocumentPaths.project(doc, fields) : BsonNull.VALUE,
                                    new BsonDocument("n", new BsonInt32(1)).append("updatedExisting", BsonBoolean.FALSE)
                                            .append("upserted", doc.get("_id")));
                        });
            }
            BsonDocument old = found.get(0);
            String byId = " WHERE id = JSON_COMPACT(" + SqlText.literal(DocumentJson.valueJson(old.get("_id"))) + ")";
            if (remove) {
                return ctx.sql().run("DELETE FROM " + table + byId).thenCompose(d -> {
                    CommandContext.check(d);
                    return done(DocumentPaths.project(old, fields), new BsonDocument("n", new BsonInt32(1)));
                });
            }
            BsonDocument lastError = new BsonDocument("n", new BsonInt32(1)).append("updatedExisting", BsonBoolean.TRUE);
            return ctx.sql().run("UPDATE " + table + " SET doc = " + newDoc + byId).thenCompose(u -> {
                CommandContext.check(u);
                if (!returnNew) {
                    return done(DocumentPaths.project(old, fields), lastError);
                }
                return ctx.sql().run("SELECT doc FROM " + table + byId).thenCompose(s -> {
                    List<BsonDocument> now = ReadCommands.documents(s, fields);
                    return done(now.isEmpty() ? BsonNull.VALUE : now.get(0), lastError);
                });
            });
        });
    }

    private static CompletableFuture<BsonDocument> done(BsonValue value, BsonDocument lastErrorObject) {
        return CompletableFuture.completedFuture(new BsonDocument("lastErrorObject", lastErrorObject)
                .append("value", value).append("ok", new BsonDouble(1)));
    }
}
