package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.StatusFlags.AUTOCOMMIT;
import static io.gatehouse.protocol.StatusFlags.IN_TRANS;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;

/**
 * The transaction state of one readwritesplit session as its primary reports it (open transaction, autocommit), and
 * the replica a read-only transaction runs on. Per session, on its worker thread; no buffers.
 */
final class TransactionState {
    private boolean inTransaction;
    private boolean autocommit = true;
    private Endpoint readOnlyTarget;

    /** True while the primary reports an open transaction. */
    boolean inTransaction() {
        return inTransaction;
    }

    /** True when a statement runs inside a transaction: one is open, or autocommit is off. */
    boolean open() {
        return inTransaction || !autocommit;
    }

    /** True when a read may go anywhere: no transaction, autocommit on, no read-only transaction on a replica. */
    boolean free() {
        return !inTransaction && autocommit && readOnlyTarget == null;
    }

    /** The server status flags the session's own answers carry: an open transaction, autocommit. */
    int status() {
        return (inTransaction ? IN_TRANS : 0) | (autocommit ? AUTOCOMMIT : 0);
    }

    /** The replica of the read-only transaction under way, or null. */
    Endpoint readOnlyTarget() {
        return readOnlyTarget;
    }

    /** Starts ({@code target}) or ends (null) a read-only transaction on a replica. */
    void readOnlyTarget(Endpoint target) {
        readOnlyTarget = target;
    }

    /**
     * A reply from the primary. Only OK and EOF packets (OK replies and result sets) carry the server status;
     * prepare responses and errors do not.
     */
    void primaryReplied(Reply reply) {
        if (reply.kind() == Reply.Kind.OK || reply.kind() == Reply.Kind.RESULT_SET) {
            inTransaction = (reply.status() & IN_TRANS) != 0;
            autocommit = (reply.status() & AUTOCOMMIT) != 0;
        }
    }

    /** A restart: the replaced session's state as its primary last reported it (no transaction is open then). */
    void takeOver(TransactionState from) {
        inTransaction = from.inTransaction;
        autocommit = from.autocommit;
    }

    /** The session was logged in again: no transaction, autocommit on. */
    void reset() {
        inTransaction = false;
        autocommit = true;
        readOnlyTarget = null;
    }
}
