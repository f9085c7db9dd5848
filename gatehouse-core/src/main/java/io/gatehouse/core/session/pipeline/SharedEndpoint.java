package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.CommandCodes;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.sql.Classification;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The endpoint a router keeps for one server while its session gives idle connections back to the pool
 * ({@code idle_session_pool_time}): the backend connection under it comes and goes. While it has one, commands go
 * straight to it and the state-changing ones are recorded in a {@link StateHistory}; once released, the next command
 * the router writes takes a connection again (pooled or new), the recorded state is re-applied on it (replies
 * swallowed, prepared statements re-prepared and their ids mapped), and the command follows. Confined to the
 * session's worker thread; it owns the commands it holds while the connection comes back, and releases them if it
 * closes first.
 */
final class SharedEndpoint implements Endpoint, CommandCodes {
    private record Waiting(ByteBuf packet, int command) {
    }

    private final SessionSharing sharing;
    private final Server server;
    private final boolean withDatabase;
    private final StateHistory history = new StateHistory();
    private BackendConnection current;
    private boolean closed;
    private long lastThreadId = -1;
    /** True from taking a connection again until the recorded state is re-applied on it. */
    private boolean restoring;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private Iterator<StateHistory.Entry> replay;
    private StateHistory.Entry replaying;
    /** A COM_STMT_PREPARE was written: the first bytes of its reply carry the statement id. */
    private boolean prepareReplyDue;

    SharedEndpoint(SessionSharing sharing, Server server, boolean withDatabase) {
        this.sharing = sharing;
        this.server = server;
        this.withDatabase = withDatabase;
    }

    /** Puts {@code b} under this endpoint. */
    void attach(BackendConnection b) {
        current = b;
        b.face(this);
    }

    /** The connection under this endpoint now, or null while released. */
    BackendConnection connection() {
        return current;
    }

    /** Bytes of session state this endpoint keeps to re-apply on another connection; worker thread. */
    long historyBytes() {
        return history.bytes();
    }

    StateHistory history() {
        return history;
    }

    boolean restoring() {
        return restoring;
    }

    /** The backend connection of {@code e} now: itself, or a shared endpoint's current one (null when released). */
    static BackendConnection connectionOf(Endpoint e) {
        return e instanceof SharedEndpoint s ? s.current : (BackendConnection) e;
    }

    @Override
    public Server server() {
        return server;
    }

    @Override
    public boolean isReady() {
        return !closed && (current == null || restoring || current.isReady());
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isBusy() {
        return current != null && (restoring || current.isBusy());
    }

    @Override
    public long threadId() {
        return current != null ? current.threadId() : lastThreadId;
    }

    @Override
    public void write(ByteBuf packet, int command) {
        if (closed) {
            packet.release();
            return;
        }
        if (current == null && command == COM_STMT_CLOSE) {
            // No reply is due: the statement leaves the history, and no connection is taken just to close it.
            history.sending(packet, command, null);
            if (packet.readableBytes() >= 9) {
                history.closed(packet.getUnsignedIntLE(packet.readerIndex() + 5));
            }
            packet.release();
            return;
        }
        if (current == null) {
            reacquire();
        }
        if (restoring) {
            waiting.add(new Waiting(packet, command));
            return;
        }
        send(packet, command);
    }

    /** Records what {@code packet} changes, maps its statement id, and writes it to the current connection. */
    private void send(ByteBuf packet, int command) {
        Classification c = null;
        if (command == COM_QUERY) {
            c = new Command(packet, sharing.sqlState()).classification();
            if (c != null) {
                sharing.pins().statement(c);
            }
        }
        if (command == COM_RESET_CONNECTION) {
            sharing.pins().clear();
        }
        history.sending(packet, command, c);
        if (command == COM_STMT_PREPARE) {
            prepareReplyDue = true;
        } else if (command == COM_STMT_EXECUTE && packet.readableBytes() > 14) {
            packet = history.withParameterTypes(packet, sharing.alloc());
        }
        long closing = command == COM_STMT_CLOSE && packet.readableBytes() >= 9
                ? packet.getUnsignedIntLE(packet.readerIndex() + 5) : -1;
        current.write(mapStatementId(packet, command), command);
        if (closing >= 0) {
            history.closed(closing);                 // only now: the close above needed the real id
        }
    }

    /** The packet with the client's statement id replaced by the current connection's, when they differ. */
    private ByteBuf mapStatementId(ByteBuf packet, int command) {
        boolean carriesId = command == COM_STMT_EXECUTE || command == COM_STMT_SEND_LONG_DATA
                || command == COM_STMT_CLOSE || command == COM_STMT_RESET || command == COM_STMT_FETCH
                || command == COM_STMT_BULK_EXECUTE;
        if (!carriesId || packet.readableBytes() < 9) {
            return packet;
        }
        long virtual = packet.getUnsignedIntLE(packet.readerIndex() + 5);
        long real = history.realId(virtual);
        if (real == virtual) {
            return packet;
        }
        // A copy: the router may have handed the same bytes to another endpoint.
        ByteBuf copy = sharing.alloc().buffer(packet.readableBytes());
        copy.writeBytes(packet, packet.readerIndex(), packet.readableBytes());
        packet.release();
        copy.setIntLE(5, (int) real);
        return copy;
    }

    /** Takes a connection again: from the pool or new; the state is re-applied once it is logged in. */
    private void reacquire() {
        restoring = true;
        history.connectionChanged();
        attach(sharing.connect(server, withDatabase));
        sharing.reattached();
    }

    /** The new connection logged in ({@code ok} owned): re-applies the recorded state, then the waiting commands. */
    void connected(ByteBuf ok) {
        ok.release();
        replay = history.entries().iterator();
        next();
    }

    private void next() {
        if (replay.hasNext()) {
            replaying = replay.next();
            current.write(replaying.packet(sharing.alloc()), replaying.command());
            return;
        }
        replay = null;
        replaying = null;
        restoring = false;
        sharing.restored();
        while (!waiting.isEmpty() && !closed && current != null) {
            Waiting w = waiting.poll();
            send(w.packet(), w.command());
        }
    }

    /** Reply bytes of a re-applied command (owned here): swallowed; the next one goes when its reply ends. */
    void restoreReply(ByteBuf buf, Reply reply) {
        buf.release();
        if (reply == null || replaying == null) {
            return;
        }
        if (reply.isError()) {
            String why = "Session state could not be re-applied on a new connection to server '" + server.name()
                    + "': " + reply.errorMessage();
            sharing.restoreFailed(this, why);
            return;
        }
        if (replaying.command() == COM_STMT_PREPARE) {
            history.remapped(replaying.virtualId(), reply.statementId());
        }
        next();
    }

    /**
     * Reply bytes on their way to the router: the id of a prepared statement is mapped in the first chunk, and a
     * completed reply updates the history. Returns the reply the router gets (its statement id the virtual one).
     */
    Reply passing(ByteBuf buf, Reply reply) {
        if (prepareReplyDue) {
            prepareReplyDue = false;
            history.prepareReplyStarts(buf);
        }
        return reply == null ? null : history.replied(reply);
    }

    /**
     * Gives the idle connection back (to the pool, or closed); the endpoint stays, released. False when it has
     * nothing to give or cannot now.
     */
    boolean release() {
        BackendConnection b = current;
        if (closed || b == null || restoring || !b.isReady() || b.isBusy() || !waiting.isEmpty()) {
            return false;
        }
        lastThreadId = b.threadId();
        current = null;
        sharing.giveBack(b);
        return true;
    }

    /** True while it holds no connection (given back). */
    boolean released() {
        return current == null && !closed;
    }

    /**
     * The connection under it failed or closed: true when the router should hear of it (it was the current one);
     * the endpoint is closed from then on.
     */
    boolean lost(BackendConnection b) {
        if (b != current) {
            return false;
        }
        closed = true;
        releaseWaiting();
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        releaseWaiting();
        if (current != null) {
            current.close();
        }
        sharing.forget(this);
    }

    /** The session ends: what it holds is freed (the pipeline pools or closes the connection itself). */
    void releaseWaiting() {
        while (!waiting.isEmpty()) {
            waiting.poll().packet().release();
        }
    }
}
