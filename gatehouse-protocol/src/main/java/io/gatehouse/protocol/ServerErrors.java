package io.gatehouse.protocol;

/**
 * The error codes, SQLSTATEs and message texts a MariaDB server (and its client library, for the 2xxx codes) uses,
 * with helpers that build {@link ErrPacket} values a proxy sends in the server's place so clients see familiar
 * errors. Stateless and thread-safe; builds values only, never buffers.
 */
public final class ServerErrors {
    public static final int ER_CON_COUNT = 1040;
    public static final int ER_OUT_OF_RESOURCES = 1041;
    public static final int ER_HANDSHAKE = 1043;
    public static final int ER_DBACCESS_DENIED = 1044;
    public static final int ER_ACCESS_DENIED = 1045;
    public static final int ER_NO_DB = 1046;
    public static final int ER_UNKNOWN_COM = 1047;
    public static final int ER_BAD_DB = 1049;
    public static final int ER_SERVER_SHUTDOWN = 1053;
    public static final int ER_NO_SUCH_THREAD = 1094;
    public static final int ER_KILL_DENIED = 1095;
    public static final int ER_UNKNOWN_ERROR = 1105;
    public static final int ER_HOST_IS_BLOCKED = 1129;
    public static final int ER_HOST_NOT_PRIVILEGED = 1130;
    public static final int ER_NET_PACKET_TOO_LARGE = 1153;
    public static final int ER_NET_READ_ERROR = 1158;
    public static final int ER_NET_READ_INTERRUPTED = 1159;
    public static final int ER_SPECIFIC_ACCESS_DENIED = 1227;
    public static final int ER_NOT_SUPPORTED_AUTH_MODE = 1251;
    public static final int ER_OPTION_PREVENTS_STATEMENT = 1290;
    public static final int ER_QUERY_INTERRUPTED = 1317;
    public static final int ER_PLUGIN_IS_NOT_LOADED = 1524;
    public static final int ER_CONNECTION_KILLED = 1927;

    public static final int CR_UNKNOWN_ERROR = 2000;
    public static final int CR_CONNECTION_ERROR = 2002;
    public static final int CR_CONN_HOST_ERROR = 2003;
    public static final int CR_SERVER_GONE = 2006;
    public static final int CR_SERVER_LOST = 2013;
    public static final int CR_MALFORMED_PACKET = 2027;

    public static final String STATE_GENERAL = "HY000";
    public static final String STATE_ACCESS = "28000";
    public static final String STATE_SYNTAX_OR_ACCESS = "42000";
    public static final String STATE_COMMUNICATION = "08S01";
    public static final String STATE_REJECTED = "08004";
    public static final String STATE_NO_DB = "3D000";
    public static final String STATE_INTERRUPTED = "70100";

    private ServerErrors() {
    }

    /** 1045: wrong user, host or password. */
    public static ErrPacket accessDenied(String user, String host, boolean usingPassword) {
        return new ErrPacket(ER_ACCESS_DENIED, STATE_ACCESS, String.format(
                "Access denied for user '%s'@'%s' (using password: %s)", user, host, usingPassword ? "YES" : "NO"));
    }

    /** 1044: the user may not use the database. */
    public static ErrPacket dbAccessDenied(String user, String host, String database) {
        return new ErrPacket(ER_DBACCESS_DENIED, STATE_SYNTAX_OR_ACCESS, String.format(
                "Access denied for user '%s'@'%s' to database '%s'", user, host, database));
    }

    /** 1049: no such database. */
    public static ErrPacket badDb(String database) {
        return new ErrPacket(ER_BAD_DB, STATE_SYNTAX_OR_ACCESS, String.format("Unknown database '%s'", database));
    }

    /** 1046: a statement needs a default database and there is none. */
    public static ErrPacket noDb() {
        return new ErrPacket(ER_NO_DB, STATE_NO_DB, "No database selected");
    }

    /** 1040: the connection limit is reached. */
    public static ErrPacket tooManyConnections() {
        return new ErrPacket(ER_CON_COUNT, STATE_REJECTED, "Too many connections");
    }

    /** 1094: KILL of a thread id that does not exist. */
    public static ErrPacket noSuchThread(long id) {
        return new ErrPacket(ER_NO_SUCH_THREAD, STATE_GENERAL, "Unknown thread id: " + id);
    }

    /** 1095: KILL of another user's thread without the privilege. */
    public static ErrPacket killDenied(long id) {
        return new ErrPacket(ER_KILL_DENIED, STATE_GENERAL, "You are not owner of thread " + id);
    }

    /** 1047: a command byte the server does not know or does not allow here. */
    public static ErrPacket unknownCommand() {
        return new ErrPacket(ER_UNKNOWN_COM, STATE_COMMUNICATION, "Unknown command");
    }

    /** 1153: a packet larger than max_allowed_packet. */
    public static ErrPacket packetTooLarge() {
        return new ErrPacket(ER_NET_PACKET_TOO_LARGE, STATE_COMMUNICATION,
                "Got a packet bigger than 'max_allowed_packet' bytes");
    }

    /** 1043: a malformed or unexpected handshake. */
    public static ErrPacket badHandshake() {
        return new ErrPacket(ER_HANDSHAKE, STATE_COMMUNICATION, "Bad handshake");
    }

    /** 1130: the client's host has no matching account. */
    public static ErrPacket hostNotPrivileged(String host) {
        return new ErrPacket(ER_HOST_NOT_PRIVILEGED, STATE_GENERAL,
                String.format("Host '%s' is not allowed to connect to this MariaDB server", host));
    }

    /** 1129: the client's host made too many failed connection attempts. */
    public static ErrPacket hostBlocked(String host) {
        return new ErrPacket(ER_HOST_IS_BLOCKED, STATE_GENERAL, String.format(
                "Host '%s' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'",
                host));
    }

    /** 1227: a statement that needs a privilege the user lacks. */
    public static ErrPacket specificAccessDenied(String privilege) {
        return new ErrPacket(ER_SPECIFIC_ACCESS_DENIED, STATE_SYNTAX_OR_ACCESS, String.format(
                "Access denied; you need (at least one of) the %s privilege(s) for this operation", privilege));
    }

    /** 1290: e.g. a write on a read-only server. */
    public static ErrPacket optionPreventsStatement(String option) {
        return new ErrPacket(ER_OPTION_PREVENTS_STATEMENT, STATE_GENERAL, String.format(
                "The MariaDB server is running with the %s option so it cannot execute this statement", option));
    }

    /** 1251: the client cannot do the authentication the account needs. */
    public static ErrPacket notSupportedAuthMode() {
        return new ErrPacket(ER_NOT_SUPPORTED_AUTH_MODE, STATE_REJECTED,
                "Client does not support authentication protocol requested by server; consider upgrading MariaDB "
                        + "client");
    }

    /** 1524: the account uses an authentication plugin that is not available. */
    public static ErrPacket pluginNotLoaded(String plugin) {
        return new ErrPacket(ER_PLUGIN_IS_NOT_LOADED, STATE_GENERAL, String.format("Plugin '%s' is not loaded",
                plugin));
    }

    /** 1053: the server (or proxy) is shutting down. */
    public static ErrPacket serverShutdown() {
        return new ErrPacket(ER_SERVER_SHUTDOWN, STATE_COMMUNICATION, "Server shutdown in progress");
    }

    /** 1927: the connection was killed. */
    public static ErrPacket connectionKilled() {
        return new ErrPacket(ER_CONNECTION_KILLED, STATE_INTERRUPTED, "Connection was killed");
    }

    /** 1317: the query was killed. */
    public static ErrPacket queryInterrupted() {
        return new ErrPacket(ER_QUERY_INTERRUPTED, STATE_INTERRUPTED, "Query execution was interrupted");
    }

    /** 1105: anything else, with a free text. */
    public static ErrPacket unknownError(String message) {
        return new ErrPacket(ER_UNKNOWN_ERROR, STATE_GENERAL, message);
    }

    /** 2003: no backend could be reached; {@code errno} is the OS error number (e.g. 111 for refused). */
    public static ErrPacket connHostError(String host, int errno) {
        return new ErrPacket(CR_CONN_HOST_ERROR, STATE_GENERAL,
                String.format("Can't connect to server on '%s' (%d)", host, errno));
    }

    /** 2013: the backend connection broke during a query. */
    public static ErrPacket serverLost() {
        return new ErrPacket(CR_SERVER_LOST, STATE_GENERAL, "Lost connection to server during query");
    }

    /** 2006: the backend connection is gone. */
    public static ErrPacket serverGone() {
        return new ErrPacket(CR_SERVER_GONE, STATE_GENERAL, "Server has gone away");
    }
}
