package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.sql.SqlResult;
import io.gatehouse.protocols.nosql.sql.SqlText;
import io.gatehouse.protocols.nosql.wire.MongoFrameDecoder;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The handshake and administrative commands: {@code hello}/{@code isMaster}, {@code buildInfo},
 * {@code listDatabases}, {@code listCollections}, {@code create}, {@code drop}, {@code dropDatabase} and a few
 * that drivers and shells send at connect. Stateless; called on the client channel's event loop.
 */
final class AdminCommands {
    /** The MongoDB version announced; its wire version range is what drivers check. */
    static final String VERSION = "5.0.0";
    static final int MAX_WIRE_VERSION = 13;
    static final int MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
    static final int MAX_WRITE_BATCH_SIZE = 100_000;
    private static final List<String> SYSTEM_SCHEMAS = List.of("information_schema", "mysql", "performance_schema", "sys");

    private AdminCommands() {
    }

    /** The hello reply; an awaitable hello reaches here once its wait is over ({@link AwaitableHello#delayMillis}). */
    static CompletableFuture<BsonDocument> hello(CommandContext ctx, String name, BsonDocument cmd) {
        AwaitableHello.check(cmd);
        BsonDocument r = new BsonDocument();
        if (name.equals("hello")) {
            r.put("isWritablePrimary", BsonBoolean.TRUE);
        } else {
            r.put("ismaster", BsonBoolean.TRUE);
        }
        if (cmd.containsKey("helloOk")) {
            r.put("helloOk", BsonBoolean.TRUE);
        }
        r.put("topologyVersion", AwaitableHello.topologyVersion());
        r.put("maxBsonObjectSize", new BsonInt32(MAX_BSON_OBJECT_SIZE));
        r.put("maxMessageSizeBytes", new BsonInt32(MongoFrameDecoder.MAX_MESSAGE_SIZE));
        r.put("maxWriteBatchSize", new BsonInt32(MAX_WRITE_BATCH_SIZE));
        r.put("localTime", new BsonDateTime(System.currentTimeMillis()));
        r.put("logicalSessionTimeoutMinutes", new BsonInt32(30));
        r.put("connectionId", new BsonInt64(ctx.connectionId()));
        r.put("minWireVersion", new BsonInt32(0));
        r.put("maxWireVersion", new BsonInt32(MAX_WIRE_VERSION));
        r.put("readOnly", BsonBoolean.FALSE);
        // "db.user": drivers ask which mechanisms the user has and pick SCRAM-SHA-256 when it is there.
        CompletableFuture<BsonArray> mechanisms = cmd.isString("saslSupportedMechs")
                ? AuthCommands.supportedMechanisms(ctx, cmd.getString("saslSupportedMechs").getValue())
                : CompletableFuture.completedFuture(null);
        return mechanisms.thenCompose(m -> {
            if (m != null) {
                r.put("saslSupportedMechs", m);
            }
            return AuthCommands.speculative(ctx, cmd);
        }).thenApplyAsync(speculative -> {
            if (speculative != null) {
                r.put("speculativeAuthenticate", speculative);
            }
            r.put("ok", new BsonDouble(1));
            return r;
        }, ctx.auth().loop());
    }

    static BsonDocument buildInfo() {
        BsonArray versionArray = new BsonArray();
        for (String part : VERSION.split("\\.")) {
            versionArray.add(new BsonInt32(Integer.parseInt(part)));
        }
        versionArray.add(new BsonInt32(0));
        return new BsonDocument("version", new BsonString(VERSION))
                .append("gitVersion", new BsonString("gatehouse-nosqlprotocol"))
                .append("versionArray", versionArray)
                .append("bits", new BsonInt32(64))
                .append("debug", BsonBoolean.FALSE)
                .append("maxBsonObjectSize", new BsonInt32(MAX_BSON_OBJECT_SIZE))
                .append("ok", new BsonDouble(1));
    }

    static BsonDocument whatsMyUri(CommandContext ctx) {
        return new BsonDocument("you", new BsonString(ctx.remote())).append("ok", new BsonDouble(1));
    }

    static BsonDocument lastError() {
        return new BsonDocument("n", new BsonInt32(0)).append("err", BsonNull.VALUE).append("ok", new BsonDouble(1));
    }

    static CompletableFuture<BsonDocument> listDatabases(CommandContext ctx, BsonDocument cmd) {
        String sql = "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ("
                + String.join(", ", SYSTEM_SCHEMAS.stream().map(SqlText::literal).toList()) + ") ORDER BY schema_name";
        boolean nameOnly = Commands.bool(cmd, "nameOnly", false);
        return ctx.sql().run(sql).thenApply(r -> {
            BsonArray dbs = new BsonArray();
            for (List<String> row : CommandContext.check(r).rows()) {
                BsonDocument d = new BsonDocument("name", new BsonString(row.get(0)));
                if (!nameOnly) {
                    d.append("sizeOnDisk", new BsonInt64(0)).append("empty", BsonBoolean.FALSE);
                }
                dbs.add(d);
            }
            BsonDocument out = new BsonDocument("databases", dbs);
            if (!nameOnly) {
                out.append("totalSize", new BsonInt64(0));
            }
            return out.append("ok", new BsonDouble(1));
        });
    }

    static CompletableFuture<BsonDocument> listCollections(CommandContext ctx, String db, BsonDocument cmd) {
        BsonDocument filter = Commands.documentOr(cmd, "filter");
        String sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = " + SqlText.literal(db);
        BsonValue name = filter.get("name");
        if (name != null) {
            if (!name.isString()) {
                throw NosqlException.badValue("listCollections supports a filter on a name string only");
            }
            sql += " AND table_name = " + SqlText.literal(name.asString().getValue());
        } else if (!filter.isEmpty()) {
            throw NosqlException.badValue("listCollections supports a filter on a name string only");
        }
        boolean nameOnly = Commands.bool(cmd, "nameOnly", false);
        return ctx.sql().run(sql + " ORDER BY table_name").thenApply(r -> {
            BsonArray batch = new BsonArray();
            for (List<String> row : CommandContext.check(r).rows()) {
                BsonDocument c = new BsonDocument("name", new BsonString(row.get(0))).append("type", new BsonString("collection"));
                if (!nameOnly) {
                    c.append("options", new BsonDocument()).append("info", new BsonDocument("readOnly", BsonBoolean.FALSE));
                }
                batch.add(c);
            }
            BsonDocument cursor = new BsonDocument("id", new BsonInt64(0))
                    .append("ns", new BsonString(db + ".$cmd.listCollections")).append("firstBatch", batch);
            return new BsonDocument("cursor", cursor).append("ok", new BsonDouble(1));
        });
    }

    static CompletableFuture<BsonDocument> create(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        String sql = ctx.createTableSql(db, coll, false);
        return ctx.sql().run(sql).thenCompose(r -> {
            if (r.errorCode() == SqlResult.ER_BAD_DB_ERROR && ctx.config().autoCreateDatabases()) {
                return ctx.sql().run("CREATE DATABASE IF NOT EXISTS " + SqlText.ident(db))
                        .thenCompose(d -> d.isError() ? CompletableFuture.completedFuture(d) : ctx.sql().run(sql));
            }
            return CompletableFuture.completedFuture(r);
        }).thenApply(r -> {
            if (r.errorCode() == SqlResult.ER_TABLE_EXISTS_ERROR) {
                throw new NosqlException(NosqlException.NAMESPACE_EXISTS, "NamespaceExists",
                        "Collection already exists. NS: " + db + "." + coll);
            }
            CommandContext.check(r);
            return Commands.ok();
        });
    }

    static CompletableFuture<BsonDocument> drop(CommandContext ctx, String db, BsonDocument cmd) {
        String coll = Commands.collection(cmd);
        return ctx.sql().run("DROP TABLE " + SqlText.table(db, coll)).thenApply(r -> {
            if (r.errorCode() == SqlResult.ER_BAD_TABLE_ERROR || CommandContext.isMissing(r)) {
                throw new NosqlException(NosqlException.NAMESPACE_NOT_FOUND, "NamespaceNotFound", "ns not found");
            }
            CommandContext.check(r);
            return new BsonDocument("ns", new BsonString(db + "." + coll)).append("nIndexesWas", new BsonInt32(1))
                    .append("ok", new BsonDouble(1));
        });
    }

    static CompletableFuture<BsonDocument> dropDatabase(CommandContext ctx, String db) {
        return ctx.sql().run("DROP DATABASE IF EXISTS " + SqlText.ident(db)).thenApply(r -> {
            CommandContext.check(r);
            return new BsonDocument("dropped", new BsonString(db)).append("ok", new BsonDouble(1));
        });
    }
}
