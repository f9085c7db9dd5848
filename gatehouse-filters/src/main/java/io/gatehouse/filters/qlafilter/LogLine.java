package io.gatehouse.filters.qlafilter;

/**
 * The values of one logged statement and its reply, and their rendering as one qlafilter line in MaxScale's field
 * order, written as UTF-8 into a {@link LineBuffer}. Each session keeps one instance and refills it for each line,
 * so logging allocates no value object; confined to the session's worker thread. The statement is either a String
 * (canonical form, an execution's text, text with non-ASCII characters) or the session's copy of the statement
 * bytes, which are written as they came.
 */
final class LogLine {
    String service;
    long sessionId;
    /** When the statement arrived, in epoch milliseconds. */
    long wallMillis;
    /** {@code user@address} of the client, as UTF-8. */
    byte[] userHost;
    /** From the statement to the first byte of the reply, or -1 when unknown. */
    long replyNanos;
    /** The statement as text, or null when it is {@link #sqlBytes}. */
    String sql;
    /** The statement's bytes (ASCII) when {@link #sql} is null; {@link #sqlLength} of them are used. */
    byte[] sqlBytes;
    int sqlLength;
    /** The session's current database, or null for none. */
    String defaultDb;
    long totalReplyNanos;
    long rows;
    long replyBytes;
    /** BEGIN, COMMIT, ROLLBACK or empty. */
    String transaction;
    /** For a COMMIT, from the BEGIN to the end of the COMMIT's reply; -1 otherwise. */
    long transactionNanos;
    int warnings;
    /** The error message of an ERR reply, empty otherwise. */
    String errorMessage;
    /** The server that answered, or empty. */
    String server;
    /** The command's name ({@code COM_QUERY}, ...). */
    String command;

    private static final byte[] NO_DATABASE = {'(', 'n', 'o', 'n', 'e', ')'};

    /**
     * Appends the line with {@code fields} separated by {@code separator}, newlines of the statement replaced by
     * {@code newlineReplacement} (empty: kept), ending in '\n'.
     */
    void format(LineBuffer out, LogField[] fields, byte[] separator, byte[] newlineReplacement,
                boolean microseconds) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.add(separator);
            }
            switch (fields[i]) {
                case SERVICE -> out.text(service);
                case SESSION -> out.number(sessionId);
                case DATE -> out.add(DateStamp.of(wallMillis));
                case USER -> out.add(userHost);
                case REPLY_TIME -> duration(out, replyNanos, microseconds);
                case QUERY -> {
                    if (sql != null) {
                        out.sql(sql, newlineReplacement);
                    } else {
                        out.sql(sqlBytes, sqlLength, newlineReplacement);
                    }
                }
                case DEFAULT_DB -> {
                    if (defaultDb == null || defaultDb.isEmpty()) {
                        out.add(NO_DATABASE);
                    } else {
                        out.text(defaultDb);
                    }
                }
                case TOTAL_REPLY_TIME -> duration(out, totalReplyNanos, microseconds);
                case NUM_ROWS -> out.number(rows);
                case REPLY_SIZE -> out.number(replyBytes);
                case TRANSACTION -> out.text(transaction);
                case TRANSACTION_TIME -> duration(out, transactionNanos, microseconds);
                case NUM_WARNINGS -> out.number(warnings);
                case ERROR_MSG -> out.text(errorMessage);
                case SERVER -> out.text(server);
                case COMMAND -> out.text(command);
            }
        }
        out.add((byte) '\n');
    }

    /** A duration rounded to whole milliseconds or microseconds; nothing when unknown. */
    private static void duration(LineBuffer out, long nanos, boolean microseconds) {
        if (nanos < 0) {
            return;
        }
        long unit = microseconds ? 1_000L : 1_000_000L;
        out.number((nanos + unit / 2) / unit);
    }
}
