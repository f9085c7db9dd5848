package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.auth.NosqlAccount;
import io.gatehouse.protocols.nosql.auth.Scram;
import io.gatehouse.protocols.nosql.auth.ScramConversation;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * SCRAM-SHA-1 and SCRAM-SHA-256 logins: {@code saslStart}, {@code saslContinue}, the {@code speculativeAuthenticate} a driver puts in
 * its {@code hello}, and {@code logout}. The password is checked by {@link ScramConversation#finish}; only after it
 * succeeded does {@link ClientAuth#succeeded} switch the client's backend session to the account's MariaDB user.
 * Stateless; called on the client channel's event loop, and the futures it returns complete there; no buffers.
 */
final class AuthCommands {
    private static final Logger LOG = LoggerFactory.getLogger(AuthCommands.class);

    private AuthCommands() {
    }

    static CompletableFuture<BsonDocument> saslStart(CommandContext ctx, String db, BsonDocument cmd) {
        String name = cmd.isString("mechanism") ? cmd.getString("mechanism").getValue() : "";
        Scram.Mechanism mechanism = Scram.Mechanism.of(name);
        if (mechanism == null) {
            throw new NosqlException(334, "MechanismUnavailable", "Received authentication for mechanism " + name
                    + " which is not enabled (SCRAM-SHA-1 and SCRAM-SHA-256 are)");
        }
        String clientFirst = payload(cmd);
        String user;
        try {
            user = ScramConversation.userOf(clientFirst);
        } catch (ScramConversation.ScramException e) {
            throw failed(ctx, e);
        }
        return ctx.auth().store().find(db, user).thenApplyAsync(account -> {
            ScramConversation c;
            try {
                if (account == null) {
                    throw new ScramConversation.ScramException("no account " + user + "@" + db);
                }
                c = ScramConversation.start(account, mechanism, clientFirst);
            } catch (ScramConversation.ScramException e) {
                throw failed(ctx, e);
            }
            BsonDocument options = cmd.isDocument("options") ? cmd.getDocument("options") : new BsonDocument();
            int id = ctx.auth().begin(c, Commands.bool(options, "skipEmptyExchange", false));
            return new BsonDocument("conversationId", new BsonInt32(id)).append("done", BsonBoolean.FALSE)
                    .append("payload", binary(c.serverFirst())).append("ok", new BsonDouble(1));
        }, ctx.auth().loop());
    }

    static BsonDocument saslContinue(CommandContext ctx, BsonDocument cmd) {
        int id = (int) Commands.number(cmd, "conversationId", -1);
        ScramConversation c = ctx.auth().conversation(id);
        String message = payload(cmd);
        BsonDocument reply = new BsonDocument("conversationId", new BsonInt32(id));
        if (c.verifiedAccount() != null) {
            // The client's empty last step after the server's final message.
            ctx.auth().ended();
            return reply.append("done", BsonBoolean.TRUE).append("payload", binary("")).append("ok", new BsonDouble(1));
        }
        String serverFinal;
        try {
            serverFinal = c.finish(message);
        } catch (ScramConversation.ScramException e) {
            ctx.auth().ended();
            throw failed(ctx, e);
        }
        ctx.auth().succeeded(c);
        boolean done = ctx.auth().skipEmptyExchange();
        if (done) {
            ctx.auth().ended();
        }
        return reply.append("done", BsonBoolean.valueOf(done)).append("payload", binary(serverFinal)).append("ok", new BsonDouble(1));
    }

    /** The first step of a login a driver sends inside {@code hello}; null (no field in the reply) when it fails. */
    static CompletableFuture<BsonDocument> speculative(CommandContext ctx, BsonDocument hello) {
        BsonValue v = hello.get("speculativeAuthenticate");
        if (v == null || !v.isDocument() || !v.asDocument().isString("db")) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<BsonDocument> start;
        try {
            start = saslStart(ctx, v.asDocument().getString("db").getValue(), v.asDocument());
        } catch (NosqlException e) {
            return CompletableFuture.completedFuture(null);
        }
        // A failure leaves the field out: the driver then logs in with saslStart and gets the error there.
        return start.handle((r, error) -> {
            if (r != null) {
                r.remove("ok");
            }
            return r;
        });
    }

    /**
     * The mechanisms of {@code db.user} for {@code hello}'s {@code saslSupportedMechs}; null (no field, as MongoDB
     * answers) when there is no such account.
     */
    static CompletableFuture<BsonArray> supportedMechanisms(CommandContext ctx, String dbDotUser) {
        int dot = dbDotUser.indexOf('.');
        if (dot < 0 || ctx.auth().storeOrNull() == null) {
            return CompletableFuture.completedFuture(null);
        }
        return ctx.auth().storeOrNull().find(dbDotUser.substring(0, dot), dbDotUser.substring(dot + 1)).thenApply(a -> {
            if (a == null) {
                return null;
            }
            BsonArray out = new BsonArray();
            a.mechanisms().forEach(m -> out.add(new BsonString(m.mongoName())));
            return out;
        });
    }

    static BsonDocument logout(CommandContext ctx) {
        ctx.auth().logout();
        return Commands.ok();
    }

    static BsonDocument connectionStatus(CommandContext ctx) {
        BsonArray users = new BsonArray();
        BsonArray roles = new BsonArray();
        NosqlAccount a = ctx.auth().authenticated();
        if (a != null) {
            users.add(new BsonDocument("user", new BsonString(a.user())).append("db", new BsonString(a.db())));
            roles.addAll(a.roles());
        }
        return new BsonDocument("authInfo", new BsonDocument("authenticatedUsers", users)
                .append("authenticatedUserRoles", roles)).append("ok", new BsonDouble(1));
    }

    private static NosqlException failed(CommandContext ctx, RuntimeException why) {
        LOG.warn("nosqlprotocol: authentication of {} failed: {}", ctx.remote(), why.getMessage());
        return new NosqlException(NosqlException.AUTHENTICATION_FAILED, "AuthenticationFailed", "Authentication failed.");
    }

    private static String payload(BsonDocument cmd) {
        BsonValue p = cmd.get("payload");
        if (p != null && p.isBinary()) {
            return new String(p.asBinary().getData(), StandardCharsets.UTF_8);
        }
        if (p != null && p.isString()) {
            return p.asString().getValue();
        }
        throw NosqlException.badValue("'payload' must be binary data");
    }

    private static BsonBinary binary(String s) {
        return new BsonBinary(s.getBytes(StandardCharsets.UTF_8));
    }
}
