package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.auth.AccountStore;
import io.gatehouse.protocols.nosql.auth.RoleCheck;
import io.gatehouse.protocols.nosql.auth.NosqlAccount;
import io.gatehouse.protocols.nosql.auth.ScramConversation;

import org.bson.BsonDocument;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The authentication state of one client connection: the listener's account store, the SCRAM exchange in progress,
 * the account the client proved it holds, the gate {@code authentication_required} puts before other commands and
 * the role checks of {@code authorization_enabled}.
 * Confined to the client channel's event loop ({@code loop}, where store results are brought back); no buffers.
 */
public final class ClientAuth {
    private static final Set<String> OPEN_COMMANDS = Set.of("hello", "isMaster", "ismaster", "buildInfo", "buildinfo",
            "ping", "saslStart", "saslContinue", "logout", "whatsmyuri", "endSessions", "connectionStatus");

    private final AccountStore store;
    private final Executor loop;
    private final boolean required;
    private final boolean authorization;
    private final boolean loopbackClient;
    private final Consumer<NosqlAccount> login;
    private NosqlAccount authenticated;
    private ScramConversation conversation;
    private int conversationId;
    private boolean skipEmptyExchange;

    /**
     * @param store          the listener's accounts, or null when it has none (no user commands, no logins)
     * @param loop           the client's event loop
     * @param required       {@code authentication_required}
     * @param authorization  {@code authorization_enabled}
     * @param loopbackClient the client connects from this host (the exception that lets it create the first account)
     * @param login          makes the client's later statements run as an account's MariaDB user (null: the
     *                       listener's {@code user} again); called only with an account whose password was verified
     */
    public ClientAuth(AccountStore store, Executor loop, boolean required, boolean authorization, boolean loopbackClient,
                      Consumer<NosqlAccount> login) {
        this.store = store;
        this.loop = loop;
        this.required = required;
        this.authorization = authorization;
        this.loopbackClient = loopbackClient;
        this.login = login;
    }

    /** No accounts and no gate: for embedding and tests. */
    public static ClientAuth none() {
        return new ClientAuth(null, Runnable::run, false, false, false, a -> { });
    }

    /**
     * Refuses {@code command} on {@code db} with MongoDB's Unauthorized while authentication is required and not
     * done, or, with {@code authorization_enabled}, when the roles of the client do not allow it ({@link RoleCheck}).
     * Completes on any thread (the store's, for the localhost exception's look-up).
     */
    CompletableFuture<Void> check(String command, String db, BsonDocument cmd) {
        if (required && authenticated == null && !OPEN_COMMANDS.contains(command)) {
            if (command.equals("createUser") && loopbackClient && store != null) {
                // As MongoDB's localhost exception: the first account can be made from the proxy's own host.
                return store.list(null).thenAccept(all -> {
                    if (!all.isEmpty()) {
                        throw unauthenticated(command);
                    }
                });
            }
            throw unauthenticated(command);
        }
        if (authorization && !RoleCheck.allows(authenticated, command, db)) {
            if (authenticated == null && command.equals("createUser") && loopbackClient && store != null) {
                return store.list(null).thenAccept(all -> {
                    if (!all.isEmpty()) {
                        throw RoleCheck.unauthorized(command, db, cmd);
                    }
                });
            }
            throw RoleCheck.unauthorized(command, db, cmd);
        }
        return CompletableFuture.completedFuture(null);
    }

    private static NosqlException unauthenticated(String command) {
        return new NosqlException(NosqlException.UNAUTHORIZED, "Unauthorized", "command " + command + " requires authentication");
    }

    /** The listener's accounts, or null when it has none. */
    AccountStore storeOrNull() {
        return store;
    }

    AccountStore store() {
        if (store == null) {
            throw new NosqlException(NosqlException.COMMAND_NOT_SUPPORTED, "CommandNotSupported",
                    "this listener keeps no NoSQL accounts");
        }
        return store;
    }

    Executor loop() {
        return loop;
    }

    NosqlAccount authenticated() {
        return authenticated;
    }

    /** Starts a new exchange (any earlier one is dropped); returns its id. */
    int begin(ScramConversation c, boolean skipEmpty) {
        conversation = c;
        skipEmptyExchange = skipEmpty;
        return ++conversationId;
    }

    ScramConversation conversation(int id) {
        if (conversation == null || id != conversationId) {
            throw new NosqlException(NosqlException.BAD_VALUE, "BadValue", "no SASL session state found");
        }
        return conversation;
    }

    boolean skipEmptyExchange() {
        return skipEmptyExchange;
    }

    /** The exchange proved the password: from now on the client's statements run as the account's MariaDB user. */
    void succeeded(ScramConversation c) {
        NosqlAccount verified = c.verifiedAccount();
        if (verified == null) {
            throw new IllegalStateException("an account is used before its password was verified");
        }
        authenticated = verified;
        login.accept(verified);
    }

    void ended() {
        conversation = null;
    }

    void logout() {
        conversation = null;
        if (authenticated != null) {
            authenticated = null;
            login.accept(null);
        }
    }

    /** The account of {@code user}@{@code db} was dropped or changed: a client logged in as it keeps its session. */
    boolean isLoggedInAs(String db, String user) {
        return authenticated != null && authenticated.db().equals(db) && authenticated.user().equals(user);
    }
}
