package io.gatehouse.protocol;

/**
 * The command bytes a client sends as the first byte of a request payload. Constants only; thread-safe.
 */
public final class Commands {
    public static final int COM_SLEEP = 0;
    public static final int COM_QUIT = 1;
    public static final int COM_INIT_DB = 2;
    public static final int COM_QUERY = 3;
    public static final int COM_FIELD_LIST = 4;
    public static final int COM_CREATE_DB = 5;
    public static final int COM_DROP_DB = 6;
    public static final int COM_REFRESH = 7;
    public static final int COM_SHUTDOWN = 8;
    public static final int COM_STATISTICS = 9;
    public static final int COM_PROCESS_INFO = 10;
    public static final int COM_CONNECT = 11;
    public static final int COM_PROCESS_KILL = 12;
    public static final int COM_DEBUG = 13;
    public static final int COM_PING = 14;
    public static final int COM_TIME = 15;
    public static final int COM_DELAYED_INSERT = 16;
    public static final int COM_CHANGE_USER = 17;
    public static final int COM_BINLOG_DUMP = 18;
    public static final int COM_TABLE_DUMP = 19;
    public static final int COM_CONNECT_OUT = 20;
    public static final int COM_REGISTER_SLAVE = 21;
    public static final int COM_STMT_PREPARE = 22;
    public static final int COM_STMT_EXECUTE = 23;
    public static final int COM_STMT_SEND_LONG_DATA = 24;
    public static final int COM_STMT_CLOSE = 25;
    public static final int COM_STMT_RESET = 26;
    public static final int COM_SET_OPTION = 27;
    public static final int COM_STMT_FETCH = 28;
    public static final int COM_DAEMON = 29;
    public static final int COM_UNSUPPORTED = 30;
    public static final int COM_RESET_CONNECTION = 31;
    public static final int COM_STMT_BULK_EXECUTE = 250;

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
