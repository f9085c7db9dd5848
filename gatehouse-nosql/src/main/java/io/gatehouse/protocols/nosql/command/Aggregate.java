package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.sql.FilterSql;
import io.gatehouse.protocols.nosql.sql.SortSql;
import io.gatehouse.protocols.nosql.sql.SqlText;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code aggregate} pipelines drivers build for counting and simple reads: {@code $match}, {@code $sort},
 * {@code $skip}, {@code $limit} and {@code $project}, in that order, optionally ending with {@code $count} or a
 * {@code $group} on a constant {@code _id} that sums 1 (what {@code countDocuments} sends). They become one SELECT;
 * any other stage or order is refused with a BadValue error naming it. Stateless; the client channel's event loop.
 */
final class Aggregate {
    /** Stands (by identity) for the field that receives the count in the result shape of a counting stage. */
    private static final BsonValue COUNT = new BsonString("count");
    private Aggregate() {
    }

    static CompletableFuture<BsonDocument> run(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        BsonValue pipeline = cmd.get("pipeline");
        if (pipeline == null || !pipeline.isArray()) {
            throw NosqlException.badValue("'pipeline' must be an array");
        }
        List<String> where = new ArrayList<>();
        BsonDocument sort = null;
        long skip = 0;
        long limit = 0;
        BsonDocument projection = null;
        BsonDocument countAs = null;
        int order = 0;
        for (BsonValue v : pipeline.asArray()) {
            if (!v.isDocument() || v.asDocument().size() != 1) {
                throw NosqlException.badValue("a pipeline stage must be a document with one field");
            }
            String stage = v.asDocument().getFirstKey();
            BsonValue arg = v.asDocument().get(stage);
            if (countAs != null) {
                throw NosqlException.badValue("aggregate: no stage is supported after a counting stage, found " + stage);
            }
            int rank = switch (stage) {
                case "$match" -> 0;
                case "$sort" -> 1;
                case "$skip" -> 2;
                case "$limit" -> 3;
                case "$project" -> 4;
                case "$count", "$group" -> 5;
                default -> throw NosqlException.badValue("aggregate: unsupported stage " + stage);
            };
            if (rank < order || (rank == order && rank != 0)) {
                throw NosqlException.badValue("aggregate: stage " + stage + " is only supported once, in the order"
                        + " $match, $sort, $skip, $limit, $project, $count/$group");
            }
            order = rank;
            switch (stage) {
                case "$match" -> where.add(FilterSql.where(asDocument(stage, arg)));
                case "$sort" -> sort = asDocument(stage, arg);
                case "$skip" -> skip = number(stage, arg);
                case "$limit" -> limit = number(stage, arg);
                case "$project" -> projection = asDocument(stage, arg);
                case "$count" -> {
                    if (!arg.isString() || arg.asString().getValue().isEmpty()) {
                        throw NosqlException.badValue("$count needs a field name");
                    }
                    countAs = new BsonDocument(arg.asString().getValue(), COUNT);
                }
                default -> countAs = group(asDocument(stage, arg));
            }
        }
        String filter = where.isEmpty() ? "TRUE" : String.join(" AND ", where);
        String select = "SELECT doc FROM " + SqlText.table(db, coll) + " WHERE " + filter + SortSql.orderBy(sort)
                + ReadCommands.limitClause(skip, limit);
        String ns = db + "." + coll;
        BsonDocument cursorOptions = Commands.documentOr(cmd, "cursor");
        int batch = (int) Commands.number(cursorOptions, "batchSize", Cursors.DEFAULT_FIRST_BATCH);
        BsonDocument counting = countAs;
        BsonDocument fields = projection;
        String sql = counting == null ? select : "SELECT COUNT(*) FROM (" + select + ") AS matched";
        return ctx.sql().run(sql).thenApply(r -> {
            List<BsonDocument> out;
            if (counting == null) {
                out = ReadCommands.documents(r, fields);
            } else {
                long n = 0;
                if (r.isError() && !CommandContext.isMissing(r)) {
                    throw CommandContext.fromSql(r);
                } else if (!r.isError()) {
                    n = Long.parseLong(r.rows().get(0).get(0));
                }
                out = n == 0 ? List.of() : List.of(countDocument(counting, n));
            }
            return new BsonDocument("cursor", ctx.cursors().first(ns, out, batch, false)).append("ok", new BsonDouble(1));
        });
    }


    private static BsonDocument group(BsonDocument spec) {
        BsonValue id = spec.get("_id");
        if (id == null || !(id.isNull() || id.isNumber() || id.isString() && !id.asString().getValue().startsWith("$"))) {
            throw NosqlException.badValue("aggregate: $group is only supported with a constant _id");
        }
        BsonDocument shape = new BsonDocument("_id", id);
        for (String field : spec.keySet()) {
            if (field.equals("_id")) {
                continue;
            }
            BsonValue acc = spec.get(field);
            if (!acc.isDocument() || !acc.asDocument().containsKey("$sum") || !acc.asDocument().get("$sum").isNumber()
                    || acc.asDocument().get("$sum").asNumber().intValue() != 1) {
                throw NosqlException.badValue("aggregate: $group only supports {$sum: 1} accumulators");
            }
            shape.put(field, COUNT);
        }
        return shape;
    }

    private static BsonDocument countDocument(BsonDocument shape, long n) {
        BsonDocument out = new BsonDocument();
        for (String field : shape.keySet()) {
            BsonValue v = shape.get(field);
            out.put(field, v == COUNT ? new BsonInt32((int) n) : v);
        }
        return out;
    }

    private static BsonDocument asDocument(String stage, BsonValue arg) {
        if (!arg.isDocument()) {
            throw NosqlException.badValue(stage + " needs a document");
        }
        return arg.asDocument();
    }

    private static long number(String stage, BsonValue arg) {
        if (!arg.isNumber() || arg.asNumber().longValue() < 0) {
            throw NosqlException.badValue(stage + " needs a non-negative number");
        }
        return arg.asNumber().longValue();
    }
}
