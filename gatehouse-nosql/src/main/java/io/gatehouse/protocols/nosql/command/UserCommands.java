package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.auth.LocalAccounts;
import io.gatehouse.protocols.nosql.auth.NosqlAccount;
import io.gatehouse.protocols.nosql.auth.RoleGrants;
import io.gatehouse.protocols.nosql.auth.ScramSha256;
import io.gatehouse.protocols.nosql.sql.SqlText;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The user management commands ({@code createUser}, {@code updateUser}, {@code dropUser},
 * {@code dropAllUsersFromDatabase}, {@code grantRolesToUser}, {@code revokeRolesFromUser}, {@code usersInfo}), done
 * as MaxScale does them: each NoSQL user {@code u} of database {@code d} is a MariaDB user {@code 'd.u'@'<host>'} with
 * the same password and the privileges of its roles, run through the client's own service session (so its MariaDB
 * user needs CREATE USER and GRANT OPTION), plus an account in the listener's store for SCRAM. Stateless; called on
 * the client channel's event loop, and the futures it returns complete there. No buffers.
 */
final class UserCommands {
    private static final int ER_CANNOT_USER = 1396;
    private static final int ER_NONEXISTING_GRANT = 1141;

    private UserCommands() {
    }

    static CompletableFuture<BsonDocument> createUser(CommandContext ctx, String db, BsonDocument cmd) {
        String user = name(cmd, "createUser");
        String pwd = password(cmd);
        mechanisms(cmd);
        BsonArray roles = RoleGrants.normalize(cmd.get("roles"), db);
        BsonDocument custom = cmd.isDocument("customData") ? cmd.getDocument("customData") : new BsonDocument();
        LocalAccounts store = ctx.auth().store();
        if (store.find(db, user) != null) {
            throw exists(db, user);
        }
        String mariadbUser = NosqlAccount.mariadbUserOf(db, user);
        String host = ctx.config().host();
        String account = account(mariadbUser, host);
        return ctx.sql().run("CREATE USER " + account + " IDENTIFIED BY " + SqlText.literal(pwd)).thenCompose(r -> {
            if (r.errorCode() == ER_CANNOT_USER) {
                throw exists(db, user);
            }
            CommandContext.check(r);
            return runAll(ctx, RoleGrants.grants(account, roles), false).handle((x, error) -> error);
        }).thenCompose(error -> {
            if (error != null) {
                // A role that could not be granted leaves no half-made MariaDB user behind.
                return ctx.sql().run("DROP USER " + account).thenApply(d -> {
                    throw error instanceof RuntimeException e ? e : new IllegalStateException(error);
                });
            }
            return store.offload(() -> ScramSha256.derive(pwd)).thenCompose(keys -> store.update(m -> {
                m.put(db + "." + user, new NosqlAccount(db, user, mariadbUser, host, pwd, keys, roles, custom));
                return m;
            })).thenApplyAsync(x -> Commands.ok(), ctx.auth().loop());
        });
    }

    static CompletableFuture<BsonDocument> updateUser(CommandContext ctx, String db, BsonDocument cmd) {
        NosqlAccount a = existing(ctx, db, name(cmd, "updateUser"));
        String pwd = cmd.containsKey("pwd") ? password(cmd) : null;
        mechanisms(cmd);
        BsonArray roles = cmd.containsKey("roles") ? RoleGrants.normalize(cmd.get("roles"), db) : a.roles();
        BsonDocument custom = cmd.isDocument("customData") ? cmd.getDocument("customData") : a.customData();
        String account = account(a.mariadbUser(), a.mariadbHost());
        List<String> statements = new ArrayList<>();
        if (pwd != null) {
            statements.add("ALTER USER " + account + " IDENTIFIED BY " + SqlText.literal(pwd));
        }
        return replaceRoles(ctx, account, a.roles(), roles, statements, a, pwd, custom);
    }

    static CompletableFuture<BsonDocument> grantRoles(CommandContext ctx, String db, BsonDocument cmd) {
        NosqlAccount a = existing(ctx, db, name(cmd, "grantRolesToUser"));
        BsonArray roles = a.roles().clone();
        for (BsonValue r : RoleGrants.normalize(cmd.get("roles"), db)) {
            if (!roles.contains(r)) {
                roles.add(r);
            }
        }
        return replaceRoles(ctx, account(a.mariadbUser(), a.mariadbHost()), a.roles(), roles, new ArrayList<>(), a, null,
                a.customData());
    }

    static CompletableFuture<BsonDocument> revokeRoles(CommandContext ctx, String db, BsonDocument cmd) {
        NosqlAccount a = existing(ctx, db, name(cmd, "revokeRolesFromUser"));
        BsonArray roles = a.roles().clone();
        roles.removeAll(RoleGrants.normalize(cmd.get("roles"), db));
        return replaceRoles(ctx, account(a.mariadbUser(), a.mariadbHost()), a.roles(), roles, new ArrayList<>(), a, null,
                a.customData());
    }

    static CompletableFuture<BsonDocument> dropUser(CommandContext ctx, String db, BsonDocument cmd) {
        NosqlAccount a = existing(ctx, db, name(cmd, "dropUser"));
        return drop(ctx, List.of(a)).thenApply(n -> Commands.ok());
    }

    static CompletableFuture<BsonDocument> dropAllUsers(CommandContext ctx, String db) {
        List<NosqlAccount> of = ctx.auth().store().all().values().stream().filter(a -> a.db().equals(db)).toList();
        return drop(ctx, of).thenApply(n -> new BsonDocument("n", new BsonInt32(n)).append("ok", new BsonDouble(1)));
    }

    static BsonDocument usersInfo(CommandContext ctx, String db, BsonDocument cmd) {
        BsonValue which = cmd.get("usersInfo");
        List<NosqlAccount> found = new ArrayList<>();
        List<BsonValue> wanted = which.isArray() ? which.asArray().getValues() : List.of(which);
        for (BsonValue w : wanted) {
            if (w.isNumber()) {
                ctx.auth().store().all().values().stream().filter(a -> a.db().equals(db)).forEach(found::add);
            } else if (w.isString()) {
                add(found, ctx.auth().store().find(db, w.asString().getValue()));
            } else if (w.isDocument() && w.asDocument().isString("user") && w.asDocument().isString("db")) {
                add(found, ctx.auth().store().find(w.asDocument().getString("db").getValue(),
                        w.asDocument().getString("user").getValue()));
            } else {
                throw NosqlException.badValue("usersInfo takes 1, a user name, {user, db} or an array of them");
            }
        }
        BsonArray users = new BsonArray();
        for (NosqlAccount a : found) {
            BsonDocument u = new BsonDocument("_id", new BsonString(a.db() + "." + a.user()))
                    .append("user", new BsonString(a.user())).append("db", new BsonString(a.db()))
                    .append("roles", a.roles()).append("mechanisms", new BsonArray(List.of(new BsonString(AuthCommands.MECHANISM))));
            if (!a.customData().isEmpty()) {
                u.append("customData", a.customData());
            }
            users.add(u);
        }
        return new BsonDocument("users", users).append("ok", new BsonDouble(1));
    }

    private static void add(List<NosqlAccount> found, NosqlAccount a) {
        if (a != null && !found.contains(a)) {
            found.add(a);
        }
    }

    /** Runs {@code first}, takes back the old roles' privileges, grants the new roles', then stores the account. */
    private static CompletableFuture<BsonDocument> replaceRoles(CommandContext ctx, String account, BsonArray old,
                                                                BsonArray roles, List<String> first, NosqlAccount a,
                                                                String pwd, BsonDocument custom) {
        LocalAccounts store = ctx.auth().store();
        List<String> grants = old.equals(roles) ? List.of() : RoleGrants.grants(account, roles);
        List<String> revokes = old.equals(roles) ? List.of() : RoleGrants.revokes(account, old);
        return runAll(ctx, first, false)
                .thenCompose(x -> runAll(ctx, revokes, true))
                .thenCompose(x -> runAll(ctx, grants, false))
                .thenCompose(x -> pwd == null ? CompletableFuture.completedFuture(a.keys())
                        : store.offload(() -> ScramSha256.derive(pwd)))
                .thenCompose(keys -> store.update(m -> {
                    m.put(a.key(), new NosqlAccount(a.db(), a.user(), a.mariadbUser(), a.mariadbHost(),
                            pwd == null ? a.mariadbPassword() : pwd, keys, roles, custom));
                    return m;
                })).thenApplyAsync(x -> Commands.ok(), ctx.auth().loop());
    }

    private static CompletableFuture<Integer> drop(CommandContext ctx, List<NosqlAccount> accounts) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (NosqlAccount a : accounts) {
            chain = chain.thenCompose(x -> ctx.sql().run("DROP USER IF EXISTS " + account(a.mariadbUser(), a.mariadbHost())))
                    .thenAccept(CommandContext::check);
        }
        LocalAccounts store = ctx.auth().store();
        return chain.thenCompose(x -> store.update(m -> {
            accounts.forEach(a -> m.remove(a.key()));
            return m;
        })).thenApplyAsync(x -> accounts.size(), ctx.auth().loop());
    }

    /** Runs statements one after the other, failing on the first error (or, with {@code lenient}, ignoring revokes of privileges already gone). */
    private static CompletableFuture<Void> runAll(CommandContext ctx, List<String> statements, boolean lenient) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String s : statements) {
            chain = chain.thenCompose(x -> ctx.sql().run(s)).thenAccept(r -> {
                if (!(lenient && r.errorCode() == ER_NONEXISTING_GRANT)) {
                    CommandContext.check(r);
                }
            });
        }
        return chain;
    }

    private static NosqlAccount existing(CommandContext ctx, String db, String user) {
        NosqlAccount a = ctx.auth().store().find(db, user);
        if (a == null) {
            throw new NosqlException(11, "UserNotFound", "User '" + user + "@" + db + "' not found");
        }
        return a;
    }

    private static String account(String user, String host) {
        return SqlText.literal(user) + "@" + SqlText.literal(host);
    }

    private static String name(BsonDocument cmd, String key) {
        BsonValue v = cmd.get(key);
        if (v == null || !v.isString() || v.asString().getValue().isEmpty()) {
            throw NosqlException.badValue("'" + key + "' must be a user name");
        }
        return v.asString().getValue();
    }

    private static String password(BsonDocument cmd) {
        if (!cmd.isString("pwd") || cmd.getString("pwd").getValue().isEmpty()) {
            throw NosqlException.badValue("Must provide a 'pwd' field for all user documents");
        }
        if (cmd.containsKey("digestPassword") && !Commands.bool(cmd, "digestPassword", true)) {
            throw NosqlException.badValue("digestPassword: false is not supported (SCRAM-SHA-256 digests on the server)");
        }
        return cmd.getString("pwd").getValue();
    }

    private static void mechanisms(BsonDocument cmd) {
        BsonValue m = cmd.get("mechanisms");
        if (m == null) {
            return;
        }
        if (!m.isArray() || m.asArray().stream().anyMatch(v -> !v.equals(new BsonString(AuthCommands.MECHANISM)))) {
            throw NosqlException.badValue("mechanisms: only " + AuthCommands.MECHANISM + " is supported");
        }
    }

    private static NosqlException exists(String db, String user) {
        return new NosqlException(51003, "Location51003", "User \"" + user + "@" + db + "\" already exists");
    }
}
