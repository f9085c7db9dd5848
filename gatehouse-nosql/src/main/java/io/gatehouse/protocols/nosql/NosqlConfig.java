package io.gatehouse.protocols.nosql;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code nosqlprotocol.*} parameters of a listener, with MaxScale's names and defaults. Immutable; any thread.
 *
 * @param user                  the MariaDB user every client's service session logs in as
 * @param password              its password
 * @param unknownCommandIsError {@code on_unknown_command=return_error} (else {@code return_empty})
 * @param logUnknownCommand     log each unknown command at warning level
 * @param autoCreateDatabases   create a missing database when a collection is created implicitly
 * @param autoCreateTables      create a missing collection's table on insert or upsert
 * @param idLength              the width of the {@code id} column of new tables
 * @param atomicInsert          {@code ordered_insert_behavior=atomic}: one statement for all documents of an insert
 * @param cursorTimeout         how long an idle cursor is kept
 * @param authenticationRequired clients must log in (SCRAM) before any command but the handshake's
 * @param host                  the host part of the MariaDB accounts made for NoSQL users
 * @param authenticationShared  the accounts are kept in a table of the cluster instead of the listener's file
 * @param authenticationDb      the database of that table
 * @param authenticationUser    the MariaDB user that reads and writes that table
 * @param authenticationPassword its password
 * @param authorizationEnabled  the proxy checks the roles of logged-in users before running their commands
 */
public record NosqlConfig(String user, String password, boolean unknownCommandIsError, boolean logUnknownCommand,
                          boolean autoCreateDatabases, boolean autoCreateTables, int idLength, boolean atomicInsert,
                          Duration cursorTimeout, boolean authenticationRequired, String host, boolean authenticationShared,
                          String authenticationDb, String authenticationUser, String authenticationPassword,
                          boolean authorizationEnabled) {
    public static final String PREFIX = "nosqlprotocol.";

    /** Without the authentication settings: logins optional, accounts at any host ({@code %}). */
    public NosqlConfig(String user, String password, boolean unknownCommandIsError, boolean logUnknownCommand,
                       boolean autoCreateDatabases, boolean autoCreateTables, int idLength, boolean atomicInsert,
                       Duration cursorTimeout) {
        this(user, password, unknownCommandIsError, logUnknownCommand, autoCreateDatabases, autoCreateTables, idLength,
                atomicInsert, cursorTimeout, false, "%", false, "NoSQL", "", "", false);
    }

    /** The listener parameters the module adds, with MaxScale's defaults. */
    public static final List<ParamSpec> PARAMETERS = List.of(
            ParamSpec.of(PREFIX + "user", ParamType.STRING, "", false, "MariaDB user of the clients' service sessions"),
            ParamSpec.of(PREFIX + "password", ParamType.PASSWORD, "", false, "password of that user"),
            ParamSpec.of(PREFIX + "authentication_required", ParamType.BOOL, "false", false,
                    "clients must log in (SCRAM) before other commands"),
            ParamSpec.of(PREFIX + "authentication_shared", ParamType.BOOL, "false", false,
                    "keep NoSQL accounts in a table of the cluster instead of the listener's data directory"),
            ParamSpec.of(PREFIX + "authentication_db", ParamType.STRING, "NoSQL", false,
                    "database of the table of shared NoSQL accounts (with authentication_shared)"),
            ParamSpec.of(PREFIX + "authentication_user", ParamType.STRING, "", false,
                    "MariaDB user reading and writing the shared NoSQL accounts (with authentication_shared)"),
            ParamSpec.of(PREFIX + "authentication_password", ParamType.PASSWORD, "", false,
                    "password of authentication_user"),
            ParamSpec.of(PREFIX + "authorization_enabled", ParamType.BOOL, "false", false,
                    "the proxy checks the roles of logged-in users"),
            ParamSpec.of(PREFIX + "host", ParamType.STRING, "%", false, "host part of MariaDB accounts made for NoSQL users"),
            ParamSpec.oneOf(PREFIX + "on_unknown_command", ParamType.ENUM, "return_error", false,
                    List.of("return_error", "return_empty"), "answer to a command that is not supported"),
            ParamSpec.of(PREFIX + "log_unknown_command", ParamType.BOOL, "false", false, "log unknown commands"),
            ParamSpec.of(PREFIX + "auto_create_databases", ParamType.BOOL, "true", false,
                    "create a missing database when a table is created implicitly"),
            ParamSpec.of(PREFIX + "auto_create_tables", ParamType.BOOL, "true", false,
                    "create a missing collection's table on insert"),
            ParamSpec.of(PREFIX + "id_length", ParamType.COUNT, "35", false, "width of the id column, 35 to 2048"),
            ParamSpec.oneOf(PREFIX + "ordered_insert_behavior", ParamType.ENUM, "default", false,
                    List.of("default", "atomic"), "how an ordered multi-document insert is executed"),
            ParamSpec.of(PREFIX + "cursor_timeout", ParamType.DURATION, "60s", false, "how long an idle cursor is kept"),
            ParamSpec.oneOf(PREFIX + "debug", ParamType.ENUM_MASK, "none", false, List.of("none", "in", "out", "back"),
                    "what to log of each command (only none: Gatehouse does not log the commands of MongoDB clients)"),
            ParamSpec.of(PREFIX + "authentication_key_id", ParamType.STRING, null, false,
                    "key encrypting shared NoSQL accounts (not supported: they hold only sealed passwords; leave unset)"),
            ParamSpec.of(PREFIX + "internal_cache", ParamType.STRING, null, false,
                    "a cache filter used internally (not supported: leave unset)"));

    /** Reads and checks the parameters; throws {@link IllegalArgumentException} naming the parameter that cannot be used. */
    public static NosqlConfig from(Params p) {
        boolean shared = bool(p, "authentication_shared", false);
        String authDb = text(p, "authentication_db", "NoSQL");
        String authUser = text(p, "authentication_user", "");
        String authPassword = text(p, "authentication_password", "");
        if (shared && authUser.isEmpty()) {
            throw new IllegalArgumentException("[" + p.section() + "] " + PREFIX + "authentication_user: '' (expected: the "
                    + "MariaDB user that keeps the shared NoSQL accounts; it is mandatory with authentication_shared=true)");
        }
        if (shared && authDb.isEmpty()) {
            throw new IllegalArgumentException("[" + p.section() + "] " + PREFIX + "authentication_db: '' (expected: the "
                    + "database of the shared NoSQL accounts' table)");
        }
        if (!shared && (!authUser.isEmpty() || !authPassword.isEmpty() || !authDb.equals("NoSQL"))) {
            // They only describe the shared store; set without it they would be silently ignored.
            String name = !authUser.isEmpty() ? "authentication_user" : !authPassword.isEmpty() ? "authentication_password"
                    : "authentication_db";
            throw new IllegalArgumentException("[" + p.section() + "] " + PREFIX + name + ": set without "
                    + PREFIX + "authentication_shared=true (expected: leave it unset, or share the accounts)");
        }
        String host = text(p, "host", "%");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("[" + p.section() + "] " + PREFIX + "host: '' (expected: a MariaDB host "
                    + "pattern, such as % or 10.0.0.%)");
        }
        String user = text(p, "user", "");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("[" + p.section() + "] " + PREFIX + "user: '' (expected: the MariaDB user the "
                    + "NoSQL clients' sessions log in as)");
        }
        long idLength = Long.parseLong(text(p, "id_length", "35"));
        if (idLength < 35 || idLength > 2048) {
            throw new IllegalArgumentException("[" + p.section() + "] " + PREFIX + "id_length: '" + idLength
                    + "' (expected: an integer from 35 to 2048)");
        }
        // MaxScale's default, none, is what Gatehouse does; a config that spells it out must still start.
        Set<String> debug = p.has(PREFIX + "debug") ? p.mask(PREFIX + "debug") : Set.of("none");
        if (!debug.equals(Set.of("none"))) {
            throw new IllegalArgumentException("[" + p.section() + "] " + PREFIX + "debug: '" + p.text(PREFIX + "debug")
                    + "' (expected: none; Gatehouse does not log the commands (in, out, back) of MongoDB clients)");
        }
        for (String unsupported : List.of("internal_cache", "authentication_key_id")) {
            if (!text(p, unsupported, "").isEmpty()) {
                throw new IllegalArgumentException("[" + p.section() + "] " + PREFIX + unsupported + ": '"
                        + text(p, unsupported, "") + "' (expected: empty; this feature is not implemented)");
            }
        }
        Duration timeout = p.has(PREFIX + "cursor_timeout") ? p.duration(PREFIX + "cursor_timeout") : Duration.ofSeconds(60);
        return new NosqlConfig(user, text(p, "password", ""),
                text(p, "on_unknown_command", "return_error").equals("return_error"),
                bool(p, "log_unknown_command", false), bool(p, "auto_create_databases", true),
                bool(p, "auto_create_tables", true), (int) idLength,
                text(p, "ordered_insert_behavior", "default").equals("atomic"), timeout,
                bool(p, "authentication_required", false), host, shared, authDb, authUser, authPassword,
                bool(p, "authorization_enabled", false));
    }

    private static String text(Params p, String name, String dflt) {
        // The parsed value, not the text: a password's text is masked.
        String v = p.has(PREFIX + name) ? p.string(PREFIX + name) : null;
        return v == null ? dflt : v.trim();
    }

    private static boolean bool(Params p, String name, boolean dflt) {
        return p.has(PREFIX + name) ? p.bool(PREFIX + name) : dflt;
    }

    /** A configuration for tests and embedding: MaxScale's defaults with this user and password. */
    public static NosqlConfig defaults(String user, String password) {
        return new NosqlConfig(user, password, true, false, true, true, 35, false, Duration.ofSeconds(60));
    }
}
