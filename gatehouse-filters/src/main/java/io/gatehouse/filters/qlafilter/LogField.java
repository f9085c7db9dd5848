package io.gatehouse.filters.qlafilter;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The values of qlafilter's {@code log_data}, in the order MaxScale writes them on a line, each with the column
 * name of the header line. Immutable.
 */
enum LogField {
    SERVICE("service", "Service"),
    SESSION("session", "Session"),
    DATE("date", "Date"),
    USER("user", "User@Host"),
    REPLY_TIME("reply_time", "Reply_time"),
    QUERY("query", "Query"),
    DEFAULT_DB("default_db", "Default_db"),
    TOTAL_REPLY_TIME("total_reply_time", "Total_reply_time"),
    NUM_ROWS("num_rows", "Num_rows"),
    REPLY_SIZE("reply_size", "Reply_size"),
    TRANSACTION("transaction", "Transaction"),
    TRANSACTION_TIME("transaction_time", "Transaction_time"),
    NUM_WARNINGS("num_warnings", "Num_warnings"),
    ERROR_MSG("error_msg", "Error_msg"),
    SERVER("server", "Server"),
    COMMAND("command", "Command");

    final String key;
    final String header;

    LogField(String key, String header) {
        this.key = key;
        this.header = header;
    }

    /** The configuration words, for the parameter's allowed values. */
    static List<String> keys() {
        List<String> out = new ArrayList<>();
        for (LogField f : values()) {
            out.add(f.key);
        }
        return out;
    }

    /** The fields named by a parsed {@code log_data} value. */
    static EnumSet<LogField> of(Set<String> keys) {
        EnumSet<LogField> out = EnumSet.noneOf(LogField.class);
        for (LogField f : values()) {
            if (keys.contains(f.key)) {
                out.add(f);
            }
        }
        return out;
    }

    /** The header line for {@code fields}, with its newline. */
    static String header(Set<LogField> fields, String separator) {
        StringBuilder sb = new StringBuilder();
        for (LogField f : fields) {
            if (!sb.isEmpty()) {
                sb.append(separator);
            }
            sb.append(f.header);
        }
        return sb.append('\n').toString();
    }
}
