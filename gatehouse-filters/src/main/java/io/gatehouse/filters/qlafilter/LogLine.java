package io.gatehouse.filters.qlafilter;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * The values of one logged statement and its reply, and their rendering as one qlafilter line in MaxScale's
 * field order. Immutable; {@link #format} is pure and may run on any thread.
 *
 * @param service          the service name
 * @param sessionId        the session id
 * @param wallMillis       when the statement arrived, in epoch milliseconds
 * @param userHost         {@code user@address} of the client
 * @param replyNanos       from the statement to the first byte of the reply, or -1 when unknown
 * @param sql              the statement (already in canonical form when asked for)
 * @param defaultDb        the session's current database, or null for none
 * @param totalReplyNanos  from the statement to the end of the reply
 * @param rows             rows in the reply's result sets
 * @param replyBytes       the reply's size in bytes
 * @param transaction      BEGIN, COMMIT, ROLLBACK or empty
 * @param transactionNanos for a COMMIT, from the BEGIN to the end of the COMMIT's reply; -1 otherwise
 * @param warnings         warnings of the reply
 * @param errorMessage     the error message of an ERR reply, empty otherwise
 * @param server           the server that answered, or empty
 * @param command          the command's name ({@code COM_QUERY}, ...)
 */
record LogLine(String service, long sessionId, long wallMillis, String userHost, long replyNanos, String sql,
               String defaultDb, long totalReplyNanos, long rows, long replyBytes, String transaction,
               long transactionNanos, int warnings, String errorMessage, String server, String command) {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /** The line with {@code fields} separated by {@code separator}, newlines of the SQL replaced, ending in '\n'. */
    String format(Set<LogField> fields, String separator, String newlineReplacement, boolean microseconds) {
        StringBuilder sb = new StringBuilder(64 + sql.length());
        boolean first = true;
        for (LogField f : fields) {
            if (!first) {
                sb.append(separator);
            }
            first = false;
            switch (f) {
                case SERVICE -> sb.append(service);
                case SESSION -> sb.append(sessionId);
                case DATE -> sb.append(DATE.format(Instant.ofEpochMilli(wallMillis)));
                case USER -> sb.append(userHost);
                case REPLY_TIME -> duration(sb, replyNanos, microseconds);
                case QUERY -> appendSql(sb, sql, newlineReplacement);
                case DEFAULT_DB -> sb.append(defaultDb == null || defaultDb.isEmpty() ? "(none)" : defaultDb);
                case TOTAL_REPLY_TIME -> duration(sb, totalReplyNanos, microseconds);
                case NUM_ROWS -> sb.append(rows);
                case REPLY_SIZE -> sb.append(replyBytes);
                case TRANSACTION -> sb.append(transaction);
                case TRANSACTION_TIME -> duration(sb, transactionNanos, microseconds);
                case NUM_WARNINGS -> sb.append(warnings);
                case ERROR_MSG -> sb.append(errorMessage);
                case SERVER -> sb.append(server);
                case COMMAND -> sb.append(command);
            }
        }
        return sb.append('\n').toString();
    }

    /** A duration rounded to whole milliseconds or microseconds; nothing when unknown. */
    static void duration(StringBuilder sb, long nanos, boolean microseconds) {
        if (nanos < 0) {
            return;
        }
        long unit = microseconds ? 1_000L : 1_000_000L;
        sb.append((nanos + unit / 2) / unit);
    }

    /** Appends {@code sql} with each newline sequence (CR LF, LF or CR) replaced, unless the replacement is empty. */
    static void appendSql(StringBuilder sb, String sql, String replacement) {
        if (replacement.isEmpty()) {
            sb.append(sql);
            return;
        }
        int n = sql.length();
        for (int i = 0; i < n; i++) {
            char c = sql.charAt(i);
            if (c == '\r') {
                sb.append(replacement);
                if (i + 1 < n && sql.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (c == '\n') {
                sb.append(replacement);
            } else {
                sb.append(c);
            }
        }
    }
}
