package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlException;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs one MongoDB command of a client: finds its handler by name and turns every failure into MongoDB's
 * {@code ok: 0} reply, so a bad command never ends the connection. Stateless; called on the client channel's event
 * loop, and the returned future completes there. Holds no buffers.
 */
public final class Commands {
    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

    private Commands() {
    }

    /** The reply document of {@code command} for database {@code db}. */
    public static CompletableFuture<BsonDocument> execute(CommandContext ctx, String db, BsonDocument command) {
        CompletableFuture<BsonDocument> result;
        try {
            result = dispatch(ctx, db, command);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.exceptionally(Commands::errorReply);
    }

    private static CompletableFuture<BsonDocument> dispatch(CommandContext ctx, String db, BsonDocument cmd) {
        String name = cmd.isEmpty() ? "" : cmd.getFirstKey();
        if (cmd.containsKey("startTransaction") || cmd.containsKey("autocommit")) {
            // Each statement commits on its own here; running a transaction's commands as if it were one would be a lie.
            throw new NosqlException(NosqlException.COMMAND_NOT_SUPPORTED, "CommandNotSupported",
                    "multi-document transactions are not supported by nosqlprotocol");
        }
        CompletableFuture<Void> gate = ctx.auth().check(name, db, cmd);
        if (gate.isDone() && !gate.isCompletedExceptionally()) {
            return run(ctx, db, cmd, name);
        }
        // Only the localhost exception looks accounts up first, and their store may answer on its own thread.
        return gate.thenComposeAsync(x -> run(ctx, db, cmd, name), ctx.auth().loop());
    }

    private static CompletableFuture<BsonDocument> run(CommandContext ctx, String db, BsonDocument cmd, String name) {
        return switch (name) {
            case "hello", "isMaster", "ismaster" -> AdminCommands.hello(ctx, name, cmd);
            case "saslStart" -> AuthCommands.saslStart(ctx, db, cmd);
            case "saslContinue" -> done(AuthCommands.saslContinue(ctx, cmd));
            case "logout" -> done(AuthCommands.logout(ctx));
            case "createUser" -> UserCommands.createUser(ctx, db, cmd);
            case "updateUser" -> UserCommands.updateUser(ctx, db, cmd);
            case "dropUser" -> UserCommands.dropUser(ctx, db, cmd);
            case "dropAllUsersFromDatabase" -> UserCommands.dropAllUsers(ctx, db);
            case "grantRolesToUser" -> UserCommands.grantRoles(ctx, db, cmd);
            case "revokeRolesFromUser" -> UserCommands.revokeRoles(ctx, db, cmd);
            case "usersInfo" -> UserCommands.usersInfo(ctx, db, cmd);
            case "buildInfo", "buildinfo" -> done(AdminCommands.buildInfo());
            case "ping", "endSessions", "killSessions", "refreshSessions" -> done(ok());
            case "whatsmyuri" -> done(AdminCommands.whatsMyUri(ctx));
            case "connectionStatus" -> done(AuthCommands.connectionStatus(ctx));
            case "getLastError", "getlasterror" -> done(AdminCommands.lastError());
            case "listDatabases" -> AdminCommands.listDatabases(ctx, cmd);
            case "listCollections" -> AdminCommands.listCollections(ctx, db, cmd);
            case "create" -> AdminCommands.create(ctx, db, cmd);
            case "drop" -> AdminCommands.drop(ctx, db, cmd);
            case "dropDatabase" -> AdminCommands.dropDatabase(ctx, db);
            case "createIndexes" -> done(IndexCommands.createIndexes(db, cmd));
            case "dropIndexes", "deleteIndexes" -> done(IndexCommands.dropIndexes(cmd));
            case "listIndexes" -> done(IndexCommands.listIndexes(ctx, db, cmd));
            case "insert" -> WriteCommands.insert(ctx, db, cmd);
            case "update" -> WriteCommands.update(ctx, db, cmd);
            case "delete" -> WriteCommands.delete(ctx, db, cmd);
            case "findAndModify", "findandmodify" -> FindAndModify.run(ctx, db, cmd);
            case "find" -> ReadCommands.find(ctx, db, cmd);
            case "getMore" -> done(ReadCommands.getMore(ctx, db, cmd));
            case "killCursors" -> done(ReadCommands.killCursors(ctx, cmd));
            case "count" -> ReadCommands.count(ctx, db, cmd);
            case "distinct" -> ReadCommands.distinct(ctx, db, cmd);
            case "aggregate" -> Aggregate.run(ctx, db, cmd);
            default -> done(unknown(ctx, name));
        };
    }

    private static BsonDocument unknown(CommandContext ctx, String name) {
        if (ctx.config().logUnknownCommand()) {
            LOG.warn("nosqlprotocol: unknown command '{}' from {}", name, ctx.remote());
        }
        if (!ctx.config().unknownCommandIsError()) {
            return new BsonDocument();
        }
        throw new NosqlException(NosqlException.COMMAND_NOT_FOUND, "CommandNotFound", "no such command: '" + name + "'");
    }

    /** The {@code ok: 0} reply for a failure: MongoDB's code for a {@link NosqlException}, InternalError otherwise. */
    public static BsonDocument errorDocument(Throwable t) {
        return errorReply(t);
    }

    static BsonDocument errorReply(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof NosqlException e) {
            return e.toDocument();
        }
        LOG.warn("nosqlprotocol: command failed", cause);
        return new NosqlException(NosqlException.INTERNAL_ERROR, "InternalError", String.valueOf(cause.getMessage())).toDocument();
    }

    static BsonDocument ok() {
        return new BsonDocument("ok", new BsonDouble(1));
    }

    static CompletableFuture<BsonDocument> done(BsonDocument doc) {
        return CompletableFuture.completedFuture(doc);
    }

    /** The collection a command names as its first value. */
    static String collection(BsonDocument cmd) {
        BsonValue v = cmd.get(cmd.getFirstKey());
        if (v == null || !v.isString() || v.asString().getValue().isEmpty()) {
            throw new NosqlException(NosqlException.FAILED_TO_PARSE, "FailedToParse",
                    "collection name has invalid type " + (v == null ? "missing" : v.getBsonType()));
        }
        return v.asString().getValue();
    }

    static BsonDocument documentOr(BsonDocument cmd, String key) {
        BsonValue v = cmd.get(key);
        if (v == null || v.isNull()) {
            return new BsonDocument();
        }
        if (!v.isDocument()) {
            throw NosqlException.badValue("'" + key + "' must be a document");
        }
        return v.asDocument();
    }

    static long number(BsonDocument cmd, String key, long dflt) {
        BsonValue v = cmd.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw NosqlException.badValue("'" + key + "' must be a number");
        }
        return v.asNumber().longValue();
    }

    static boolean bool(BsonDocument cmd, String key, boolean dflt) {
        BsonValue v = cmd.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        return v.isBoolean() ? v.asBoolean().getValue() : v.isNumber() && v.asNumber().doubleValue() != 0;
    }
}
