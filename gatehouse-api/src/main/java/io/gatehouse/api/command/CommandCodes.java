package io.gatehouse.api.command;

/**
 * The command bytes of the MariaDB client protocol, the first byte of a command's payload. This is their one
 * declaration: plugins see them here, and {@code gatehouse-protocol}'s {@code Commands} inherits them for the core
 * and the built-in modules. Constants only; any thread.
 */
public interface CommandCodes {
    /** Internal server state; never sent by clients. */
    int COM_SLEEP = 0;
    /** Closes the connection; no reply. */
    int COM_QUIT = 1;
    /** Changes the default database. */
    int COM_INIT_DB = 2;
    /** A text statement. */
    int COM_QUERY = 3;
    /** Lists the columns of a table (deprecated). */
    int COM_FIELD_LIST = 4;
    /** Creates a database (deprecated). */
    int COM_CREATE_DB = 5;
    /** Drops a database (deprecated). */
    int COM_DROP_DB = 6;
    /** Flushes tables, logs or caches (deprecated). */
    int COM_REFRESH = 7;
    /** Shuts the server down. */
    int COM_SHUTDOWN = 8;
    /** Asks for a status line. */
    int COM_STATISTICS = 9;
    /** Lists threads (deprecated). */
    int COM_PROCESS_INFO = 10;
    /** Internal server state; never sent by clients. */
    int COM_CONNECT = 11;
    /** Kills a thread (deprecated; KILL is a statement now). */
    int COM_PROCESS_KILL = 12;
    /** Dumps debug information to the server log. */
    int COM_DEBUG = 13;
    /** Checks that the server is alive. */
    int COM_PING = 14;
    /** Internal server state; never sent by clients. */
    int COM_TIME = 15;
    /** Internal server state; never sent by clients. */
    int COM_DELAYED_INSERT = 16;
    /** Logs in again as another user. */
    int COM_CHANGE_USER = 17;
    /** Starts a binary log stream (replication). */
    int COM_BINLOG_DUMP = 18;
    /** Internal server state; never sent by clients. */
    int COM_TABLE_DUMP = 19;
    /** Internal server state; never sent by clients. */
    int COM_CONNECT_OUT = 20;
    /** Registers a replica (replication). */
    int COM_REGISTER_SLAVE = 21;
    /** Prepares a statement. */
    int COM_STMT_PREPARE = 22;
    /** Executes a prepared statement. */
    int COM_STMT_EXECUTE = 23;
    /** Sends a parameter's data in pieces; no reply. */
    int COM_STMT_SEND_LONG_DATA = 24;
    /** Closes a prepared statement; no reply. */
    int COM_STMT_CLOSE = 25;
    /** Resets a prepared statement's long data and cursor. */
    int COM_STMT_RESET = 26;
    /** Turns multi-statements on or off. */
    int COM_SET_OPTION = 27;
    /** Reads rows from an open cursor. */
    int COM_STMT_FETCH = 28;
    /** Internal server state; never sent by clients. */
    int COM_DAEMON = 29;
    /** Internal server state; never sent by clients. */
    int COM_UNSUPPORTED = 30;
    /** Resets the session's state without logging in again. */
    int COM_RESET_CONNECTION = 31;
    /** Executes a prepared statement for many rows of parameters (MariaDB). */
    int COM_STMT_BULK_EXECUTE = 250;
}
