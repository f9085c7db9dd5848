package io.gatehouse.core.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why a session with {@code idle_session_pool_time} keeps its backend connections although it is idle: each reason
 * is something that lives in the server's session and that Gatehouse cannot move to another connection. An
 * immutable constant, usable from any thread; a session's reasons are a bit mask of {@link #bit()}s.
 */
public enum PinReason {
    /** A transaction is open (the server's status says so). */
    TRANSACTION,
    /** The session created temporary tables it has not dropped. */
    TEMPORARY_TABLES,
    /** {@code LOCK TABLES} without {@code UNLOCK TABLES} since. */
    TABLE_LOCKS,
    /** {@code GET_LOCK()} was called more often than locks were released. */
    USER_LOCKS,
    /** A {@code LOAD DATA LOCAL INFILE} is sending its file. */
    LOAD_DATA,
    /** A command is under way or waits for its turn. */
    REPLY_PENDING,
    /** A prepared statement was executed with a cursor that is not closed or reset. */
    OPEN_CURSOR,
    /** COM_STMT_SEND_LONG_DATA sent parameter data that no execute has consumed yet. */
    LONG_DATA,
    /** A query assigned user variables (SELECT ... INTO @v, @v := ..., a CALL): the value cannot be re-applied. */
    USER_VARIABLE_BY_QUERY,
    /** {@code SET TRANSACTION} applies to the next transaction, which has not started. */
    NEXT_TRANSACTION,
    /** {@code HANDLER ... OPEN} left a table handler open. */
    HANDLER,
    /** A multi-statement query changed session state. */
    MULTI_STATEMENT,
    /**
     * The server reported a change of session variables or of the default database (session-state tracking) for a
     * statement that Gatehouse does not replay, such as a procedure that sets a variable.
     */
    UNTRACKED_STATE,
    /** The session's state history grew beyond what Gatehouse keeps to re-apply it. */
    HISTORY_FULL,
    /** A prepared statement's id could not be mapped (its reply arrived cut). */
    STATEMENT_ID;

    private static final PinReason[] ALL = values();

    /** This reason's bit in a mask. */
    public int bit() {
        return 1 << ordinal();
    }

    /** The name the REST API and the metrics use: lower case with dashes. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The labels of the reasons in {@code mask}, in declaration order. */
    public static List<String> labels(int mask) {
        List<String> out = new ArrayList<>();
        for (PinReason r : ALL) {
            if ((mask & r.bit()) != 0) {
                out.add(r.label());
            }
        }
        return out;
    }

    /** Every reason, in declaration order. */
    public static PinReason[] all() {
        return ALL.clone();
    }
}
