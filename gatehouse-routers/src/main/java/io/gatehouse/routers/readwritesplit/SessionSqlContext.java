package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Capabilities.DEPRECATE_EOF;

import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.protocol.Commands;
import io.gatehouse.sql.SqlMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * readwritesplit's part in keeping the session's {@link SessionSqlState} (made by the core, read by every command's
 * classification) right: the mode is asked of the server at login ({@link #MODE_QUERY}: the backend login does not
 * ask for session-state tracking of sql_mode), and again when a SET gave a value only the server can work out; SET
 * statements and session-state tracking are reported to the state as their replies arrive. Per session, on its
 * worker thread; owns the reply bytes of its own mode query until it has read them.
 */
final class SessionSqlContext {
    static final String MODE_QUERY = "SELECT @@SESSION.sql_mode";

    private final SessionSqlState state;
    private Endpoint asking;
    private CompositeByteBuf answer;

    SessionSqlContext(SessionSqlState state) {
        this.state = state;
    }

    /** The session's SQL state this context keeps. */
    SessionSqlState state() {
        return state;
    }

    /** True while {@code e} is answering the mode query. */
    boolean isAsking(Endpoint e) {
        return asking != null && asking == e;
    }

    /** True while the mode query is under way. */
    boolean asking() {
        return asking != null;
    }

    /** Asks {@code e} (the primary, or the login connection) for the session's sql_mode. */
    void ask(Endpoint e, ByteBufAllocator alloc) {
        state.asked();
        asking = e;
        byte[] text = MODE_QUERY.getBytes(StandardCharsets.US_ASCII);
        ByteBuf p = alloc.buffer(5 + text.length);
        p.writeMediumLE(1 + text.length).writeByte(0).writeByte(Commands.COM_QUERY).writeBytes(text);
        e.write(p, Commands.COM_QUERY);
    }

    /**
     * Takes one chunk of the mode query's reply (owned by this call); returns true when the reply is complete and
     * the mode known, or unknown when the server did not answer with one row.
     */
    boolean collect(ByteBufAllocator alloc, ByteBuf buf, Reply reply, long clientCapabilities) {
        if (answer == null) {
            answer = alloc.compositeBuffer();
        }
        answer.addComponent(true, buf);
        if (reply == null) {
            return false;
        }
        state.answered(reply.kind() == Reply.Kind.RESULT_SET && reply.rows() == 1
                ? SqlMode.parse(CausalReads.firstValue(answer, (clientCapabilities & DEPRECATE_EOF) != 0)) : null);
        abandon();
        return true;
    }

    /** The mode query will not be answered (its connection failed). */
    void abandon() {
        asking = null;
        if (answer != null) {
            answer.release();
            answer = null;
        }
    }

    /** True when the mode must be asked of the server before the next statement. */
    boolean needsAsking() {
        return state.needsAsking() && asking == null;
    }
}
