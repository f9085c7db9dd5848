package io.gatehouse.protocol;

import io.gatehouse.api.command.CommandCodes;

/**
 * The command bytes a client sends as the first byte of a request payload, with their names. The constants are
 * declared once, in the module API's {@link CommandCodes} (plugins see only the API), and inherited here. Stateless;
 * thread-safe.
 */
public final class Commands implements CommandCodes {
    private static final String[] NAMES = {"COM_SLEEP", "COM_QUIT", "COM_INIT_DB", "COM_QUERY", "COM_FIELD_LIST",
        "COM_CREATE_DB", "COM_DROP_DB", "COM_REFRESH", "COM_SHUTDOWN", "COM_STATISTICS", "COM_PROCESS_INFO",
        "COM_CONNECT", "COM_PROCESS_KILL", "COM_DEBUG", "COM_PING", "COM_TIME", "COM_DELAYED_INSERT",
        "COM_CHANGE_USER", "COM_BINLOG_DUMP", "COM_TABLE_DUMP", "COM_CONNECT_OUT", "COM_REGISTER_SLAVE",
        "COM_STMT_PREPARE", "COM_STMT_EXECUTE", "COM_STMT_SEND_LONG_DATA", "COM_STMT_CLOSE", "COM_STMT_RESET",
        "COM_SET_OPTION", "COM_STMT_FETCH", "COM_DAEMON", "COM_UNSUPPORTED", "COM_RESET_CONNECTION"};

    private Commands() {
    }

    /** The command's name, e.g. {@code COM_QUERY}, or {@code COM_UNKNOWN(n)}. */
    public static String name(int cmd) {
        if (cmd >= 0 && cmd < NAMES.length) {
            return NAMES[cmd];
        }
        if (cmd == COM_STMT_BULK_EXECUTE) {
            return "COM_STMT_BULK_EXECUTE";
        }
        return "COM_UNKNOWN(" + cmd + ")";
    }

    /**
     * True when the server sends no reply to {@code cmd}: COM_QUIT, COM_STMT_CLOSE and COM_STMT_SEND_LONG_DATA.
     */
    public static boolean hasNoReply(int cmd) {
        return cmd == COM_QUIT || cmd == COM_STMT_CLOSE || cmd == COM_STMT_SEND_LONG_DATA;
    }
}
