package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_QUERY;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * How one readwritesplit session settles a COMMIT whose reply was lost: before the COMMIT of a transaction that
 * wrote, it writes a row into {@code transaction_replay_marker_table} inside that transaction (the session's id and
 * a counter), so the row commits or vanishes with it. When the primary is lost before the COMMIT's reply arrived,
 * the new primary is asked for the row: present means the transaction committed (the client gets its OK), absent
 * means it did not (it is replayed). It is never guessed, so never applied twice. The COMMIT is held until the
 * marker's reply arrived, so a COMMIT never reaches a server whose marker failed. Per session, on its worker
 * thread; owns the held COMMIT packet until it writes or releases it.
 */
final class CommitMarker {
    private static final int DEADLOCK = 1213;
    private final String table;
    private final String sessionId = UUID.randomUUID().toString();
    private long counter;
    private ByteBuf heldCommit;
    private int heldCommand;
    private boolean markerInFlight;
    /** The marker of the transaction being committed is written: its outcome can be checked. */
    private boolean marked;
    /** The COMMIT reached the primary (a lost reply then leaves its outcome open). */
    private boolean commitSent;

    CommitMarker(String table) {
        this.table = table;
    }

    boolean enabled() {
        return !table.isEmpty();
    }

    /** A new COMMIT is about to be settled (or a new command that is no COMMIT started). */
    void newCommand() {
        marked = false;
        commitSent = false;
    }

    /** Writes the marker to {@code primary} and holds {@code commit} (owned) until the marker's reply. */
    void markThenCommit(Endpoint primary, ByteBuf commit, int command, ByteBufAllocator alloc) {
        counter++;
        heldCommit = commit;
        heldCommand = command;
        markerInFlight = true;
        primary.write(query(alloc, "INSERT INTO " + table + " (id, n) VALUES ('" + sessionId + "', " + counter
                + ") ON DUPLICATE KEY UPDATE n = " + counter), COM_QUERY);
    }

    /** A COMMIT sent without a marker (the transaction wrote nothing, or markers are off). */
    void sentUnmarked() {
        commitSent = true;
    }

    /**
     * Bytes from the primary: true when they are the marker's reply (owned here, released); when it completes, the
     * held COMMIT goes to the primary.
     */
    boolean swallow(Endpoint primary, ByteBuf buf, Reply reply, RouterSessionContext ctx) {
        if (!markerInFlight) {
            return false;
        }
        buf.release();
        if (reply != null) {
            markerInFlight = false;
            ByteBuf c = heldCommit;
            heldCommit = null;
            if (reply.errorCode() == DEADLOCK) {
                // The server rolled the transaction back: a COMMIT now would report success for nothing.
                c.release();
                ctx.clientError(1, reply.errorCode(), reply.sqlState(), reply.errorMessage());
                ctx.commandDone();
                return true;
            }
            // Another failure (table missing, no privilege) leaves the COMMIT's outcome uncheckable, not wrong.
            marked = !reply.isError();
            commitSent = true;
            primary.write(c, heldCommand);
        }
        return true;
    }

    /** True when the COMMIT reached the primary, so a lost reply leaves its outcome open. */
    boolean commitSent() {
        return commitSent;
    }

    /** True when the outcome of the COMMIT can be checked on a new primary. */
    boolean checkable() {
        return marked;
    }

    /** A query whose reply has one row when the transaction committed and none when it did not. */
    ByteBuf checkQuery(ByteBufAllocator alloc) {
        return query(alloc, "SELECT 1 FROM " + table + " WHERE id = '" + sessionId + "' AND n = " + counter);
    }

    /** The primary was lost: the held COMMIT was never sent, and is released. */
    void lost() {
        markerInFlight = false;
        if (heldCommit != null) {
            heldCommit.release();
            heldCommit = null;
        }
    }

    void close() {
        lost();
    }

    static ByteBuf query(ByteBufAllocator alloc, String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        ByteBuf p = alloc.buffer(5 + text.length);
        p.writeMediumLE(1 + text.length).writeByte(0).writeByte(COM_QUERY).writeBytes(text);
        return p;
    }
}
