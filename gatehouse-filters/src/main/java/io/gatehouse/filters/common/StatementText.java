package io.gatehouse.filters.common;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads what logging filters need from one client command packet (header included): the SQL text of COM_QUERY and
 * COM_STMT_PREPARE, the statement id of the prepared-statement commands, and MaxScale's names of the commands.
 * Stateless; it reads the packet with absolute indexes and neither keeps nor releases it.
 */
public final class StatementText {
    public static final int COM_INIT_DB = 0x02;
    public static final int COM_QUERY = 0x03;
    public static final int COM_STMT_PREPARE = 0x16;
    public static final int COM_STMT_EXECUTE = 0x17;
    public static final int COM_STMT_SEND_LONG_DATA = 0x18;
    public static final int COM_STMT_CLOSE = 0x19;

    private static final String[] NAMES = {
        "COM_SLEEP", "COM_QUIT", "COM_INIT_DB", "COM_QUERY", "COM_FIELD_LIST", "COM_CREATE_DB", "COM_DROP_DB",
        "COM_REFRESH", "COM_SHUTDOWN", "COM_STATISTICS", "COM_PROCESS_INFO", "COM_CONNECT", "COM_PROCESS_KILL",
        "COM_DEBUG", "COM_PING", "COM_TIME", "COM_DELAYED_INSERT", "COM_CHANGE_USER", "COM_BINLOG_DUMP",
        "COM_TABLE_DUMP", "COM_CONNECT_OUT", "COM_REGISTER_SLAVE", "COM_STMT_PREPARE", "COM_STMT_EXECUTE",
        "COM_STMT_SEND_LONG_DATA", "COM_STMT_CLOSE", "COM_STMT_RESET", "COM_SET_OPTION", "COM_STMT_FETCH",
        "COM_DAEMON", "COM_UNSUPPORTED", "COM_RESET_CONNECTION"
    };

    private StatementText() {
    }

    /** The text after the command byte, as UTF-8 (the statement of COM_QUERY and COM_STMT_PREPARE). */
    public static String payloadText(ByteBuf packet) {
        int from = packet.readerIndex() + 5;
        int len = packet.writerIndex() - from;
        return len <= 0 ? "" : packet.toString(from, len, StandardCharsets.UTF_8);
    }

    /** The statement id of COM_STMT_EXECUTE, COM_STMT_CLOSE and the like (4 bytes after the command byte). */
    public static long statementId(ByteBuf packet) {
        int at = packet.readerIndex() + 5;
        return packet.writerIndex() - at < 4 ? -1 : packet.getUnsignedIntLE(at);
    }

    /** MaxScale's name of a command byte ({@code COM_QUERY}, ...). */
    public static String commandName(int command) {
        if (command >= 0 && command < NAMES.length) {
            return NAMES[command];
        }
        return switch (command) {
            case 0xfa -> "COM_STMT_BULK_EXECUTE";
            case 0xfe -> "COM_MULTI";
            default -> "COM_UNKNOWN";
        };
    }

    /** True for commands that get no reply from the server. */
    public static boolean noReply(int command) {
        return command == COM_STMT_SEND_LONG_DATA || command == COM_STMT_CLOSE || command == 0x01;
    }
}
