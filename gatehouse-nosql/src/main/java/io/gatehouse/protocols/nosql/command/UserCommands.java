package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.auth.AccountStore;
import io.gatehouse.protocols.nosql.auth.NosqlAccount;
import io.gatehouse.protocols.nosql.auth.RoleGrants;
import io.gatehouse.protocols.nosql.auth.Scram;
import io.gatehouse.protocols.nosql.sql.SqlText;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
        Set<Scram.Mechanism> mechanisms = mechanisms(cmd, EnumSet.allOf(Scram.Mechanism.class));
        BsonArray roles = RoleGrants.normalize(cmd.get("roles"), db);
        BsonDocument custom = cmd.isDocument("customData") ? cmd.getDocument("customData") : new BsonDocument();
        AccountStore store = ctx.auth().store();
        String mariadbUser = NosqlAccount.mariadbUserOf(db, user);
        String host = ctx.config().host();
        String account = account(mariadbUser, host);
        return onLoop(ctx, store.find(db, user)).thenCompose(found -> {
            if (found != null) {
                throw exists(db, user);
            }
            return ctx.sql().run("CREATE USER " + account + " IDENTIFIED BY " + SqlText.literal(pwd));
        }).thenCompose(r -> {
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
            return onLoop(ctx, store.offload(() -> NosqlAccount.create(db, user, mariadbUser, host, pwd, mechanisms, roles,
                    custom))).thenCompose(a -> onLoop(ctx, store.put(a))).thenApply(x -> Commands.ok());
        });
    }

    static CompletableFuture<BsonDocument> updateUser(CommandContext ctx, String db, BsonDocument cmd) {
        String pwd = cmd.containsKey("pwd") ? password(cmd) : null;
        return existing(ctx, db, name(cmd, "updateUser")).thenCompose(a -> {
            Set<Scram.Mechanism> mechanisms = mechanisms(cmd, EnumSet.copyOf(a.keys().keySet()));
            if (pwd == null && !mechanisms.equals(a.keys().keySet())) {
                throw NosqlException.badValue("mechanisms can be changed only with a new 'pwd'");
            }
            BsonArray roles = cmd.containsKey("roles") ? RoleGrants.normalize(cmd.get("roles"), db) : a.roles();
            BsonDocument custom = cmd.isDocument("customData") ? cmd.getDocument("customData") : a.customData();
            String account = account(a.mariadbUser(), a.mariadbHost());
            List<String> statements = new ArrayList<>();
            if (pwd != null) {
                statements.add("ALTER USER " + account + " IDENTIFIED BY " + SqlText.literal(pwd));
            }
            return replaceRoles(ctx, account, a, roles, statements, pwd, mechanisms, custom);
        });
    }

    static CompletableFuture<BsonDocument> grantRoles(CommandContext ctx, String db, BsonDocument cmd) {
        BsonArray granted = RoleGrants.normalize(cmd.get("roles"), db);
        return existing(ctx, db, name(cmd, "grantRolesToUser")).thenCompose(a -> {
            BsonArray roles = a.roles().clone();
            for (BsonValue r : granted) {
                if (!roles.contains(r)) {
                    roles.add(r);
                }
            }
            return replaceRoles(ctx, account(a.mariadbUser(), a.mariadbHost()), a, roles, new ArrayList<>(), null, null,
                    a.customData());
        });
    }

    static CompletableFuture<BsonDocument> revokeRoles(CommandContext ctx, String db, BsonDocument cmd) {
        BsonArray revoked = RoleGrants.normalize(cmd.get("roles"), db);
        return existing(ctx, db, name(cmd, "revokeRolesFromUser")).thenCompose(a -> {
            BsonArray roles = a.roles().clone();
            roles.removeAll(revoked);
            return replaceRoles(ctx, account(a.mariadbUser(), a.mariadbHost()), a, roles, new ArrayList<>(), null, null,
                    a.customData());
        });
    }

    static CompletableFuture<BsonDocument> dropUser(CommandContext ctx, String db, BsonDocument cmd) {
        return existing(ctx, db, name(cmd, "dropUser")).thenCompose(a -> drop(ctx, List.of(a))).thenApply(n -> Commands.ok());
    }

    static CompletableFuture<BsonDocument> dropAllUsers(CommandContext ctx, String db) {
        return onLoop(ctx, ctx.auth().store().list(db)).thenCompose(of -> drop(ctx, of))
                .thenApply(n -> new BsonDocument("n", new BsonInt32(n)).append("ok", new BsonDouble(1)));
    }

    static CompletableFuture<BsonDocument> usersInfo(CommandContext ctx, String db, BsonDocument cmd) {
        BsonValue which = cmd.get("usersInfo");
        AccountStore store = ctx.auth().store();
        List<BsonValue> wanted = which.isArray() ? which.asArray().getValues() : List.of(which);
        CompletableFuture<List<NosqlAccount>> found = CompletableFuture.completedFuture(new ArrayList<>());
        for (BsonValue w : wanted) {
            CompletableFuture<List<NosqlAccount>> more;
            if (w.isNumber()) {
                more = store.list(db);
            } else if (w.isString()) {
                more = store.find(db, w.asString().getValue()).thenApply(UserCommands::listOf);
            } else if (w.isDocument() && w.asDocument().isString("user") && w.asDocument().isString("db")) {
                more = store.find(w.asDocument().getString("db").getValue(), w.asDocument().getString("user").getValue())
                        .thenApply(UserCommands::listOf);
            } else {
                throw NosqlException.badValue("usersInfo takes 1, a user name, {user, db} or an array of them");
            }
            found = found.thenCombine(more, (l, m) -> {
                m.stream().filter(a -> l.stream().noneMatch(b -> b.key().equals(a.key()))).forEach(l::add);
                return l;
            });
        }
        return onLoop(ctx, found).thenApply(list -> {
            BsonArray users = new BsonArray();
            for (NosqlAccount a : list) {
                BsonArray mechanisms = new BsonArray();
                a.mechanisms().forEach(m -> mechanisms.add(new BsonString(m.mongoName())));
                BsonDocument u = new BsonDocument("_id", new BsonString(a.db() + "." + a.user()))
                        .append("user", new BsonString(a.user())).append("db", new BsonString(a.db()))
                        .append("roles", a.roles()).append("mechanisms", mechanisms);
                if (!a.customData().isEmpty()) {
                    u.append("customData", a.customData());
                }
                users.add(u);
            }
            return new BsonDocument("users", users).append("ok", new BsonDouble(1));
        });
    }

    private static List<NosqlAccount> listOf(NosqlAccount a) {
        return a == null ? List.of() : List.of(a);
    }

    /**
     * Runs {@code first}, takes back the old roles' privileges, grants the new roles', then stores the account (with
     * new keys when {@code pwd} is set).
     */
    private static CompletableFuture<BsonDocument> replaceRoles(CommandContext ctx, String account, NosqlAccount a,
                                                                BsonArray roles, List<String> first, String pwd,
                                                                Set<Scram.Mechanism> mechanisms, BsonDocument custom) {
        AccountStore store = ctx.auth().store();
        List<String> grants = a.roles().equals(roles) ? List.of() : RoleGrants.grants(account, roles);
        List<String> revokes = a.roles().equals(roles) ? List.of() : RoleGrants.revokes(account, a.roles());
        return runAll(ctx, first, false)
                .thenCompose(x -> runAll(ctx, revokes, true))
                .thenCompose(x -> runAll(ctx, grants, false))
                .thenCompose(x -> pwd == null ? CompletableFuture.completedFuture(a.with(roles, custom))
                        : onLoop(ctx, store.offload(() -> NosqlAccount.create(a.db(), a.user(), a.mariadbUser(),
                                a.mariadbHost(), pwd, mechanisms, roles, custom))))
                .thenCompose(updated -> onLoop(ctx, store.put(updated))).thenApply(x -> Commands.ok());
    }

    private static CompletableFuture<Integer> drop(CommandContext ctx, List<NosqlAccount> accounts) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (NosqlAccount a : accounts) {
            chain = chain.thenCompose(x -> ctx.sql().run("DROP USER IF EXISTS " + account(a.mariadbUser(), a.mariadbHost())))
                    .thenAccept(CommandContext::check);
        }
        AccountStore store = ctx.auth().store();
        return chain.thenCompose(x -> onLoop(ctx, store.remove(accounts))).thenApply(x -> accounts.size());
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

    /** A store's result brought back to the client's event loop (a local store answers on its own thread). */
    private static <T> CompletableFuture<T> onLoop(CommandContext ctx, CompletableFuture<T> f) {
        if (f.isDone()) {
            return f;
        }
        return f.thenApplyAsync(x -> x, ctx.auth().loop());
    }

    private static CompletableFuture<NosqlAccount> existing(CommandContext ctx, String db, String user) {
        return onLoop(ctx, ctx.auth().store().find(db, user)).thenApply(a -> {
            if (a == null) {
                throw new NosqlException(11, "UserNotFound", "User '" + user + "@" + db + "' not found");
            }
            return a;
        });
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
            throw NosqlException.badValue("digestPassword: false is not supported (the server digests the password)");
        }
        return cmd.getString("pwd").getValue();
    }

    /** The {@code mechanisms} of a command (SCRAM-SHA-1, SCRAM-SHA-256), or {@code dflt} without the field. */
    private static Set<Scram.Mechanism> mechanisms(BsonDocument cmd, Set<Scram.Mechanism> dflt) {
        BsonValue m = cmd.get("mechanisms");
        if (m == null) {
            return dflt;
        }
        Set<Scram.Mechanism> out = EnumSet.noneOf(Scram.Mechanism.class);
        if (m.isArray()) {
            for (BsonValue v : m.asArray()) {
                Scram.Mechanism one = v.isString() ? Scram.Mechanism.of(v.asString().getValue()) : null;
                if (one == null) {
                    throw NosqlException.badValue("mechanisms: " + v + " (expected: SCRAM-SHA-1 or SCRAM-SHA-256)");
                }
                out.add(one);
            }
        }
        if (out.isEmpty()) {
            throw NosqlException.badValue("mechanisms: " + m + " (expected: a non-empty array of SCRAM-SHA-1, SCRAM-SHA-256)");
        }
        return out;
    }

    private static NosqlException exists(String db, String user) {
        return new NosqlException(51003, "Location51003", "User \"" + user + "@" + db + "\" already exists");
    }
}
