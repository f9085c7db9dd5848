package io.gatehouse.protocols.nosql;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;

import java.time.Duration;
import java.util.List;

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
 * @param authenticationRequired clients must log in (SCRAM-SHA-256) before any command but the handshake's
 * @param host                  the host part of the MariaDB accounts made for NoSQL users
 */
public record NosqlConfig(String user, String password, boolean unknownCommandIsError, boolean logUnknownCommand,
                          boolean autoCreateDatabases, boolean autoCreateTables, int idLength, boolean atomicInsert,
                          Duration cursorTimeout, boolean authenticationRequired, String host) {
    public static final String PREFIX = "nosqlprotocol.";

    /** Without the authentication settings: logins optional, accounts at any host ({@code %}). */
    public NosqlConfig(String user, String password, boolean unknownCommandIsError, boolean logUnknownCommand,
                       boolean autoCreateDatabases, boolean autoCreateTables, int idLength, boolean atomicInsert,
                       Duration cursorTimeout) {
        this(user, password, unknownCommandIsError, logUnknownCommand, autoCreateDatabases, autoCreateTables, idLength,
                atomicInsert, cursorTimeout, false, "%");
    }

    /** The listener parameters the module adds, with MaxScale's defaults. */
    public static final List<ParamSpec> PARAMETERS = List.of(
            ParamSpec.of(PREFIX + "user", ParamType.STRING, "", false, "MariaDB user of the clients' service sessions"),
            ParamSpec.of(PREFIX + "password", ParamType.PASSWORD, "", false, "password of that user"),
            ParamSpec.of(PREFIX + "authentication_required", ParamType.BOOL, "false", false,
                    "clients must log in (SCRAM-SHA-256) before other commands"),
            ParamSpec.of(PREFIX + "authentication_shared", ParamType.BOOL, "false", false,
                    "keep NoSQL accounts in the cluster instead of the listener's data directory (only false is supported)"),
            ParamSpec.of(PREFIX + "authentication_db", ParamType.STRING, "NoSQL", false,
                    "database of shared NoSQL accounts (used with authentication_shared only)"),
            ParamSpec.of(PREFIX + "authentication_user", ParamType.STRING, "", false,
                    "user managing NoSQL accounts (used with authentication_required only)"),
            ParamSpec.of(PREFIX + "authentication_password", ParamType.PASSWORD, "", false,
                    "password of authentication_user"),
            ParamSpec.of(PREFIX + "authorization_enabled", ParamType.BOOL, "false", false,
                    "check roles of authenticated users (only false is supported)"),
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
            ParamSpec.of(PREFIX + "debug", ParamType.STRING, null, false,
                    "debug logging of commands (not supported: leave unset)"),
            ParamSpec.of(PREFIX + "internal_cache", ParamType.STRING, null, false,
                    "a cache filter used internally (not supported: leave unset)"));

    /** Reads and checks the parameters; throws {@link IllegalArgumentException} naming the parameter that cannot be used. */
    public static NosqlConfig from(Params p) {
        refuse(p, "authentication_shared", "false", "NoSQL accounts are kept in the listener's data directory only");
        refuse(p, "authorization_enabled", "false", "the proxy does not check roles; the MariaDB privileges they grant "
                + "are what the backend enforces");
        // These only describe the handling refused above; another value would be silently ignored.
        refuse(p, "authentication_db", "NoSQL", "it names where shared NoSQL accounts are kept, which is not implemented");
        refuse(p, "authentication_user", "", "user management runs as the client's own MariaDB user "
                + "(nosqlprotocol.user, or the user it logged in as)");
        refuse(p, "authentication_password", "", "it belongs to authentication_user, which is not supported");
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
        for (String unsupported : List.of("debug", "internal_cache")) {
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
                bool(p, "authentication_required", false), host);
    }

    private static void refuse(Params p, String name, String only, String why) {
        String value = text(p, name, only);
        if (!value.equalsIgnoreCase(only) && !(only.equals("false") && List.of("off", "no", "0").contains(value.toLowerCase()))) {
            throw new IllegalArgumentException("[" + p.section() + "] " + PREFIX + name + ": '" + value + "' (expected: "
                    + only + "; " + why + ")");
        }
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
