package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.ReplyOrigin;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.stats.StatementStats;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.reply.ReplyTracker;
import io.gatehouse.sql.Classification;
import java.util.List;

/**
 * Follows which backend reply a router forwards to the client for the current command, so that filters are told
 * about that reply once, when the command is done, and not about replies the router reads for itself or discards
 * (a session command's answers from the other backends, replays, causal-read waits); the statement statistics count
 * the same reply. Confined to the session's worker thread; it only counts bytes and holds no buffers.
 */
final class ReplyWatch {
    /** Preparing a statement counts apart from executing it, under this prefix and the canonical form. */
    static final String PREPARE = "COM_STMT_PREPARE ";
    /** The statistics to count each command in, or null when they are off. */
    private final StatementStats stats;
    /** The current command's canonical form (or command name) and digest, while statistics are on. */
    private String statement;
    private long digest;
    private long startNanos;
    /** The canonical forms of the session's prepared statements, created when counting. */
    private PreparedTexts prepared;
    /** True while the current command is a COM_STMT_PREPARE whose statement id is to be remembered. */
    private boolean preparing;
    private Endpoint delivering;
    private Reply deliveringReply;
    private Endpoint source;
    private Reply reply;
    private long bytes;
    private long firstNanos;

    ReplyWatch(StatementStats stats) {
        this.stats = stats;
    }

    /** True when commands are counted in the statement statistics. */
    boolean counting() {
        return stats != null;
    }

    /**
     * A client command goes to the filters and the router: when counting, its statement is read now, while the
     * packet is still readable (the classification is cached by the classifier, so a known statement costs a lookup
     * and allocates nothing; only a prepare builds its key). Commands without a reply only update the prepared
     * statements.
     */
    void commandStarts(Command command) {
        if (stats == null) {
            return;
        }
        int cmd = command.command();
        if (cmd == Commands.COM_STMT_CLOSE) {
            if (prepared != null) {
                prepared.remove(statementId(command));
            }
            return;
        }
        if (cmd == Commands.COM_RESET_CONNECTION) {
            sessionReset();
        }
        if (cmd == Commands.COM_STMT_SEND_LONG_DATA) {
            return;                                   // no reply: nothing to count
        }
        startNanos = System.nanoTime();
        Classification c = command.carriesSql() ? command.classification() : null;
        int known = (cmd == Commands.COM_STMT_EXECUTE || cmd == Commands.COM_STMT_BULK_EXECUTE) && prepared != null
                ? prepared.find(statementId(command)) : -1;
        if (c != null) {
            statement = cmd == Commands.COM_STMT_PREPARE ? PREPARE + c.canonical() : c.canonical();
            digest = c.digest();
        } else if (known >= 0) {
            statement = prepared.text(known);
            digest = prepared.digest(known);
        } else {
            statement = Commands.name(cmd);
            digest = 0;
        }
        preparing = cmd == Commands.COM_STMT_PREPARE && c != null;
    }

    /** The statement id of a COM_STMT_EXECUTE, COM_STMT_CLOSE or the like: 4 bytes after the command byte. */
    private static long statementId(Command command) {
        var p = command.packet();
        return p.readableBytes() >= 9 ? p.getUnsignedIntLE(p.readerIndex() + 5) : -1;
    }

    /** Bytes the session's prepared-statement texts take here (0 when statements are not counted). */
    long preparedBytes() {
        return prepared == null ? 0 : prepared.bytes();
    }

    /** COM_RESET_CONNECTION or COM_CHANGE_USER succeeded: the server forgot the prepared statements. */
    void sessionReset() {
        if (prepared != null) {
            prepared.clear();
        }
    }

    /** A chunk from {@code b} (completing {@code completed}, or null) is being handed to the router. */
    void delivering(Endpoint b, Reply completed) {
        delivering = b;
        deliveringReply = completed;
    }

    /** The router returned from handling that chunk. */
    void delivered() {
        delivering = null;
        deliveringReply = null;
    }

    /** The router wrote {@code n} bytes to the client; they count when they are a backend's reply. */
    void toClient(int n) {
        if (delivering == null) {
            return;
        }
        if (firstNanos == 0) {
            firstNanos = System.nanoTime();
        }
        bytes += n;
        source = delivering;
        if (deliveringReply != null) {
            reply = deliveringReply;
        }
    }

    /**
     * The number an error gets that ends the client's reply now that {@code lost} is gone: the one after the last
     * whole packet of {@code lost}'s current reply, when whole packets of it (and no cut one) reached the client
     * during this command; -1 otherwise (nothing of it reached the client, a large packet was passed on cut, or the
     * reply asked for a LOCAL INFILE file, whose numbering the client continues). {@code streamed}: the fast path,
     * where every byte of the session's one connection goes to the client.
     */
    int errorSequence(BackendConnection lost, boolean streamed) {
        ReplyTracker t = lost == null ? null : lost.tracker();
        if (t == null || !streamed && lost.face() != source) {
            return -1;
        }
        if (t.replyAskedForFile() || !lost.clientHasWholePackets()) {
            return -1;
        }
        return t.sequenceAfterWholePackets();
    }

    /** The server whose reply the client got for the current command so far, or null (Gatehouse answered). */
    String sourceName() {
        return source == null ? null : source.server().name();
    }

    /** The router finished the command: the filters hear of the reply the client got, if one came from a backend. */
    void commandDone(List<FilterSession> filters) {
        Reply r = reply;
        if (r != null && !filters.isEmpty()) {
            ReplyOrigin origin = new ReplyOrigin(source.server().name(), bytes, firstNanos);
            for (FilterSession f : filters) {
                f.clientReply(r, origin);
            }
        }
        if (r != null && statement != null) {
            stats.record(statement, digest, source.server().name(), r.isError(), r.rows(),
                    System.nanoTime() - startNanos);
            if (preparing && r.kind() == Reply.Kind.PREPARE_OK) {
                if (prepared == null) {
                    prepared = new PreparedTexts();
                }
                prepared.put(r.statementId(), statement.substring(PREPARE.length()), digest);
            }
        }
        preparing = false;
        statement = null;
        reply = null;
        source = null;
        bytes = 0;
        firstNanos = 0;
    }
}
