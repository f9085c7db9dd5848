package io.gatehouse.core.session.backend;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.StatusFlags;
import io.gatehouse.protocol.reply.ReplyTracker;
import io.netty.buffer.ByteBuf;

/**
 * The command and reply tracking of one backend connection: the {@link ReplyTracker} that knows which commands
 * still await their reply, the reply each chunk of backend bytes completed, the server status of the last reply
 * (so whether a transaction is open), and the server's count of running statements and its response times.
 * Confined to the connection's worker thread; it only reads the reply bytes it scans, which stay the caller's.
 */
final class BackendReplies {
    private final Server server;
    private ReplyTracker tracker;
    private Reply completed;
    /** Server status flags of the last reply that carried them. */
    private int lastStatus = StatusFlags.AUTOCOMMIT;
    /** Statements this connection counted as running on its server and not yet finished. */
    private int operations;
    private long sentAtNanos;

    BackendReplies(Server server) {
        this.server = server;
    }

    /** The tracker, or null before the first login succeeded. */
    ReplyTracker tracker() {
        return tracker;
    }

    /** A login (or COM_CHANGE_USER) succeeded: replies are tracked from here, with the capabilities it used. */
    void loggedIn(long capabilities) {
        if (tracker == null) {
            tracker = new ReplyTracker(capabilities, (r, end) -> replyCompleted(r));
        } else {
            tracker.reset();
        }
    }

    /** Scans a chunk of reply bytes (left as they are, the caller's) and returns the reply it completed, or null. */
    Reply scan(ByteBuf buf) {
        completed = null;
        tracker.scan(buf);
        Reply r = completed;
        completed = null;
        return r;
    }

    /** The tracker's listener. */
    private void replyCompleted(Reply r) {
        if (r.kind() == Reply.Kind.OK || r.kind() == Reply.Kind.RESULT_SET) {
            lastStatus = r.status();
        }
        completed = r;
        if (operations > 0) {
            operations--;
            server.operation(-1);
            server.responseTime(System.nanoTime() - sentAtNanos, r.kind() == Reply.Kind.RESULT_SET);
        }
    }

    /**
     * A command goes to the server: expect its reply and count it as running, except for the commands the server
     * never answers (COM_QUIT, COM_STMT_SEND_LONG_DATA, COM_STMT_CLOSE).
     */
    void sent(int command) {
        if (!Commands.hasNoReply(command)) {
            tracker.expect(command);
            server.operation(1);
            operations++;
            sentAtNanos = System.nanoTime();
        }
    }

    /** True while a reply is awaited. */
    boolean busy() {
        return tracker != null && tracker.busy();
    }

    /** True when the last status the server reported says a transaction is open. */
    boolean inTransaction() {
        return (lastStatus & StatusFlags.IN_TRANS) != 0;
    }

    /** The server status flags of the last OK or result set (autocommit, open transaction, ...). */
    int lastStatus() {
        return lastStatus;
    }

    /** The server confirmed COM_RESET_CONNECTION: no transaction is open any more. */
    void wasReset() {
        lastStatus = StatusFlags.AUTOCOMMIT;
    }

    /** The connection closed: its statements no longer run on the server. */
    void closed() {
        server.operation(-operations);
        operations = 0;
    }
}
