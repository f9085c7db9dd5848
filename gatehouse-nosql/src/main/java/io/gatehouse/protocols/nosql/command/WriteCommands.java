package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.DocumentJson;
import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.sql.FilterSql;
import io.gatehouse.protocols.nosql.sql.SqlResult;
import io.gatehouse.protocols.nosql.sql.SqlText;
import io.gatehouse.protocols.nosql.sql.UpdateSql;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * {@code insert}, {@code update} and {@code delete}: each statement of the command becomes SQL run in order, and
 * failures become {@code writeErrors} entries as MongoDB reports them (an ordered command stops at the first one).
 * Stateless; called on the client channel's event loop.
 */
final class WriteCommands {
    private WriteCommands() {
    }

    /** Per-command counters, filled as the statements complete one after the other on the event loop. */
    private static final class Outcome {
        long n;
        long nModified;
        final BsonArray upserted = new BsonArray();
        final BsonArray writeErrors = new BsonArray();

        void error(int index, NosqlException e) {
            writeErrors.add(new BsonDocument("index", new BsonInt32(index)).append("code", new BsonInt32(e.code()))
                    .append("codeName", new BsonString(e.codeName())).append("errmsg", new BsonString(e.getMessage())));
        }

        BsonDocument reply(boolean withModified) {
            BsonDocument r = new BsonDocument("n", new BsonInt32((int) n));
            if (withModified) {
                r.append("nModified", new BsonInt32((int) nModified));
            }
            if (!upserted.isEmpty()) {
                r.append("upserted", upserted);
            }
            if (!writeErrors.isEmpty()) {
                r.append("writeErrors", writeErrors);
            }
            return r.append("ok", new BsonDouble(1));
        }
    }

    static CompletableFuture<BsonDocument> insert(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        List<BsonDocument> docs = new ArrayList<>();
        for (BsonValue v : array(cmd, "documents")) {
            if (!v.isDocument()) {
                throw NosqlException.badValue("'documents' must hold documents");
            }
            docs.add(withId(v.asDocument()));
        }
        boolean ordered = Commands.bool(cmd, "ordered", true);
        Outcome out = new Outcome();
        String table = SqlText.table(db, coll);
        if (ctx.config().atomicInsert() && ordered && docs.size() > 1) {
            // ordered_insert_behavior=atomic: one statement, so either every document is inserted or none is.
            List<String> values = docs.stream().map(d -> "(" + SqlText.literal(DocumentJson.toJson(d)) + ")").toList();
            return ctx.runCreating(db, coll, "INSERT INTO " + table + " (doc) VALUES " + String.join(", ", values))
                    .thenApply(r -> {
                        if (r.isError()) {
                            out.error(0, CommandContext.fromSql(r));
                        } else {
                            out.n = r.affectedRows();
                        }
                        return out.reply(false);
                    });
        }
        return each(docs.size(), ordered, out, i -> ctx.runCreating(db, coll,
                "INSERT INTO " + table + " (doc) VALUES (" + SqlText.literal(DocumentJson.toJson(docs.get(i))) + ")")
                .thenApply(r -> {
                    if (r.isError()) {
                        out.error(i, CommandContext.fromSql(r));
                        return false;
                    }
                    out.n += r.affectedRows();
                    return true;
                })).thenApply(x -> out.reply(false));
    }

    static CompletableFuture<BsonDocument> update(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        BsonArray updates = array(cmd, "updates");
        boolean ordered = Commands.bool(cmd, "ordered", true);
        Outcome out = new Outcome();
        return each(updates.size(), ordered, out, i -> {
            BsonDocument u = updates.get(i).asDocument();
            BsonDocument q = Commands.documentOr(u, "q");
            BsonValue change = u.get("u");
            if (change == null) {
                throw NosqlException.badValue("an update statement needs 'u'");
            }
            String where = FilterSql.where(q);
            String sql = "UPDATE " + SqlText.table(db, coll) + " SET doc = " + UpdateSql.newDocument(change)
                    + " WHERE " + where + (Commands.bool(u, "multi", false) ? "" : " LIMIT 1");
            if (!Commands.bool(u, "upsert", false)) {
                return ctx.sql().run(sql).thenApply(r -> counted(out, i, r));
            }
            // An upsert inserts only when nothing matches; the affected-row count cannot tell (an unchanged row
            // counts 0), so look first.
            String exists = "SELECT 1 FROM " + SqlText.table(db, coll) + " WHERE " + where + " LIMIT 1";
            return ctx.sql().run(exists).thenCompose(r -> {
                if (!r.isError() && !r.rows().isEmpty()) {
                    return ctx.sql().run(sql).thenApply(x -> counted(out, i, x));
                }
                if (r.isError() && !CommandContext.isMissing(r)) {
                    out.error(i, CommandContext.fromSql(r));
                    return CompletableFuture.completedFuture(false);
                }
                BsonDocument doc = Upserts.document(q, change.asDocument());
                return ctx.runCreating(db, coll, "INSERT INTO " + SqlText.table(db, coll) + " (doc) VALUES ("
                        + SqlText.literal(DocumentJson.toJson(doc)) + ")").thenApply(x -> {
                            if (x.isError()) {
                                out.error(i, CommandContext.fromSql(x));
                                return false;
                            }
                            out.n++;
                            out.upserted.add(new BsonDocument("index", new BsonInt32(i)).append("_id", doc.get("_id")));
                            return true;
                        });
            });
        }).thenApply(x -> out.reply(true));
    }

    private static boolean counted(Outcome out, int index, SqlResult r) {
        if (r.isError()) {
            if (CommandContext.isMissing(r)) {
                return true;
            }
            out.error(index, CommandContext.fromSql(r));
            return false;
        }
        // MongoDB's n counts documents the filter matched, nModified those the update changed.
        out.n += r.matchedRows();
        out.nModified += r.affectedRows();
        return true;
    }

    static CompletableFuture<BsonDocument> delete(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        BsonArray deletes = array(cmd, "deletes");
        boolean ordered = Commands.bool(cmd, "ordered", true);
        Outcome out = new Outcome();
        return each(deletes.size(), ordered, out, i -> {
            BsonDocument d = deletes.get(i).asDocument();
            long limit = Commands.number(d, "limit", 0);
            String sql = "DELETE FROM " + SqlText.table(db, coll) + " WHERE " + FilterSql.where(Commands.documentOr(d, "q"))
                    + (limit == 1 ? " LIMIT 1" : "");
            return ctx.sql().run(sql).thenApply(r -> {
                if (r.isError() && !CommandContext.isMissing(r)) {
                    out.error(i, CommandContext.fromSql(r));
                    return false;
                }
                out.n += r.affectedRows();
                return true;
            });
        }).thenApply(x -> out.reply(false));
    }

    /**
     * Runs statements 0..count-1 one after the other; a statement that returns false (it failed) stops an ordered
     * command. A statement that throws (bad input) is recorded as a write error the same way.
     */
    private static CompletableFuture<Void> each(int count, boolean ordered, Outcome out,
                                                IntFunction<CompletableFuture<Boolean>> statement) {
        CompletableFuture<Boolean> chain = CompletableFuture.completedFuture(true);
        for (int i = 0; i < count; i++) {
            int index = i;
            chain = chain.thenCompose(goOn -> {
                if (!goOn && ordered) {
                    return CompletableFuture.completedFuture(false);
                }
                try {
                    return statement.apply(index);
                } catch (NosqlException e) {
                    out.error(index, e);
                    return CompletableFuture.completedFuture(false);
                }
            });
        }
        return chain.thenApply(x -> null);
    }

    private static BsonArray array(BsonDocument cmd, String key) {
        BsonValue v = cmd.get(key);
        if (v == null || !v.isArray()) {
            throw NosqlException.badValue("'" + key + "' must be an array");
        }
        return v.asArray();
    }

    /** The document with an {@code _id} first, a new ObjectId when it had none, as MongoDB stores it. */
    static BsonDocument withId(BsonDocument doc) {
        if (doc.containsKey("_id")) {
            return doc;
        }
        BsonDocument out = new BsonDocument("_id", new BsonObjectId());
        out.putAll(doc);
        return out;
    }
}
