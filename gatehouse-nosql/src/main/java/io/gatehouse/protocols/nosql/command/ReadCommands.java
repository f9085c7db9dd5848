package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.DocumentJson;
import io.gatehouse.protocols.nosql.DocumentPaths;
import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.sql.FilterSql;
import io.gatehouse.protocols.nosql.sql.SortSql;
import io.gatehouse.protocols.nosql.sql.SqlResult;
import io.gatehouse.protocols.nosql.sql.SqlText;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code find} with its cursor commands {@code getMore} and {@code killCursors}, {@code count} and
 * {@code distinct}: one SELECT each on the collection's table; a missing collection reads as empty. Projections
 * are applied to the fetched documents. Stateless; called on the client channel's event loop.
 */
final class ReadCommands {
    /** MariaDB's way of saying "no limit" in a LIMIT with an offset. */
    private static final String NO_LIMIT = "18446744073709551615";

    private ReadCommands() {
    }

    static CompletableFuture<BsonDocument> find(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        long limit = Commands.number(cmd, "limit", 0);
        boolean singleBatch = Commands.bool(cmd, "singleBatch", false) || limit < 0;
        limit = Math.abs(limit);
        long skip = Commands.number(cmd, "skip", 0);
        if (skip < 0) {
            throw NosqlException.badValue("skip value must be non-negative");
        }
        long batchSize = Commands.number(cmd, "batchSize", Cursors.DEFAULT_FIRST_BATCH);
        if (batchSize < 0) {
            throw NosqlException.badValue("batchSize value must be non-negative");
        }
        BsonDocument projection = Commands.documentOr(cmd, "projection");
        String sql = "SELECT doc FROM " + SqlText.table(db, coll) + " WHERE " + FilterSql.where(Commands.documentOr(cmd, "filter"))
                + SortSql.orderBy(Commands.documentOr(cmd, "sort")) + limitClause(skip, limit);
        String ns = db + "." + coll;
        int first = (int) Math.min(batchSize, Integer.MAX_VALUE);
        return ctx.sql().run(sql).thenApply(r -> {
            List<BsonDocument> docs = documents(r, projection);
            BsonDocument cursor = ctx.cursors().first(ns, docs, first, singleBatch);
            return new BsonDocument("cursor", cursor).append("ok", new BsonDouble(1));
        });
    }

    static String limitClause(long skip, long limit) {
        if (skip == 0 && limit == 0) {
            return "";
        }
        return " LIMIT " + skip + ", " + (limit == 0 ? NO_LIMIT : Long.toString(limit));
    }

    static List<BsonDocument> documents(SqlResult r, BsonDocument projection) {
        if (r.isError()) {
            if (CommandContext.isMissing(r)) {
                return List.of();
            }
            throw CommandContext.fromSql(r);
        }
        List<BsonDocument> docs = new ArrayList<>(r.rows().size());
        for (List<String> row : r.rows()) {
            docs.add(DocumentPaths.project(DocumentJson.parse(row.get(0)), projection));
        }
        return docs;
    }

    static BsonDocument getMore(CommandContext ctx, String db, BsonDocument cmd) {
        BsonValue id = cmd.get("getMore");
        if (id == null || !id.isNumber()) {
            throw new NosqlException(NosqlException.FAILED_TO_PARSE, "FailedToParse", "getMore needs a cursor id");
        }
        BsonDocument cursor = ctx.cursors().next(id.asNumber().longValue(), (int) Commands.number(cmd, "batchSize", 0));
        if (cursor == null) {
            throw new NosqlException(NosqlException.CURSOR_NOT_FOUND, "CursorNotFound",
                    "cursor id " + id.asNumber().longValue() + " not found");
        }
        return new BsonDocument("cursor", cursor).append("ok", new BsonDouble(1));
    }

    static BsonDocument killCursors(CommandContext ctx, BsonDocument cmd) {
        BsonArray killed = new BsonArray();
        BsonArray notFound = new BsonArray();
        BsonValue ids = cmd.get("cursors");
        if (ids == null || !ids.isArray()) {
            throw NosqlException.badValue("'cursors' must be an array of cursor ids");
        }
        for (BsonValue v : ids.asArray()) {
            long id = v.asNumber().longValue();
            (ctx.cursors().kill(id) ? killed : notFound).add(new BsonInt64(id));
        }
        return new BsonDocument("cursorsKilled", killed).append("cursorsNotFound", notFound)
                .append("cursorsAlive", new BsonArray()).append("cursorsUnknown", new BsonArray())
                .append("ok", new BsonDouble(1));
    }

    static CompletableFuture<BsonDocument> count(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        long skip = Commands.number(cmd, "skip", 0);
        long limit = Math.abs(Commands.number(cmd, "limit", 0));
        String inner = "SELECT 1 FROM " + SqlText.table(db, coll) + " WHERE " + FilterSql.where(Commands.documentOr(cmd, "query"))
                + limitClause(skip, limit);
        return ctx.sql().run("SELECT COUNT(*) FROM (" + inner + ") AS matched").thenApply(r -> {
            long n = 0;
            if (r.isError()) {
                if (!CommandContext.isMissing(r)) {
                    throw CommandContext.fromSql(r);
                }
            } else {
                n = Long.parseLong(r.rows().get(0).get(0));
            }
            return new BsonDocument("n", new BsonInt32((int) n)).append("ok", new BsonDouble(1));
        });
    }

    static CompletableFuture<BsonDocument> distinct(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        BsonValue key = cmd.get("key");
        if (key == null || !key.isString()) {
            throw NosqlException.badValue("'key' must be a string");
        }
        String field = key.asString().getValue();
        String sql = "SELECT DISTINCT JSON_COMPACT(" + SqlText.extract(field) + ") FROM " + SqlText.table(db, coll)
                + " WHERE " + FilterSql.where(Commands.documentOr(cmd, "query"))
                + " AND JSON_CONTAINS_PATH(doc, 'one', " + SqlText.path(field) + ")";
        return ctx.sql().run(sql).thenApply(r -> {
            Set<BsonValue> values = new LinkedHashSet<>();
            if (r.isError() && !CommandContext.isMissing(r)) {
                throw CommandContext.fromSql(r);
            }
            for (List<String> row : r.rows()) {
                BsonValue v = DocumentJson.parseValue(row.get(0));
                // distinct looks into arrays: their elements are the values.
                if (v.isArray()) {
                    values.addAll(v.asArray());
                } else {
                    values.add(v);
                }
            }
            return new BsonDocument("values", new BsonArray(new ArrayList<>(values))).append("ok", new BsonDouble(1));
        });
    }
}
