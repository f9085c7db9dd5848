package io.gatehouse.filters.psreuse;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One session's cache of prepared statements by SQL text: the whole prepare response the client got (its packets,
 * statement id included) is kept and given again to a later prepare of the same text, and COM_STMT_CLOSE of a
 * cached statement is swallowed so that it stays open on the servers. Confined to the session's worker thread. It
 * owns the cached responses and the response being captured, and releases them on reset and close; the packets it
 * is shown stay the core's.
 */
final class PsReuseSession implements FilterSession {
    /** Texts this long or longer span several packets; they are prepared every time, as the server would. */
    private static final int MAX_SQL_BYTES = 0xffffff - 1;
    private static final long LAST_PREPARED = 0xffffffffL;

    private final LongAdder reused;
    private final LongAdder cachedCount;
    private final Map<String, ByteBuf> bySql = new HashMap<>();
    private final Map<Long, String> sqlById = new HashMap<>();
    /** The text of the prepare whose response is being captured, or null. */
    private String capturing;
    /** The id of the statement the last prepare got from the cache, or -1 after one the servers answered. */
    private long lastAnswered = -1;
    private ByteBuf capture;

    PsReuseSession(LongAdder reused, LongAdder cachedCount) {
        this.reused = reused;
        this.cachedCount = cachedCount;
    }

    /**
     * MariaDB clients may send a statement command right behind its prepare with the id 0xffffffff, "the statement
     * just prepared"; after a prepare answered from the cache the servers' last statement is another one, so the
     * cached id is put in instead.
     */
    @Override
    public ByteBuf rewriteQuery(Command command, ByteBufAllocator alloc) {
        int cmd = command.command();
        ByteBuf p = command.packet();
        if (lastAnswered < 0 || cmd < Command.COM_STMT_EXECUTE || cmd > Command.COM_STMT_FETCH
                || cmd == Command.COM_STMT_PREPARE || p.readableBytes() < 9
                || p.getUnsignedIntLE(p.readerIndex() + 5) != LAST_PREPARED) {
            return null;
        }
        ByteBuf copy = alloc.buffer(p.readableBytes()).writeBytes(p, p.readerIndex(), p.readableBytes());
        copy.setIntLE(5, (int) lastAnswered);
        return copy;
    }

    @Override
    public ByteBuf answer(Command command, ByteBufAllocator alloc) {
        switch (command.command()) {
            case Command.COM_STMT_PREPARE -> {
                if (command.packet().readableBytes() - 5 >= MAX_SQL_BYTES) {
                    return null;
                }
                String sql = command.sql();
                ByteBuf response = bySql.get(sql);
                if (response != null) {
                    reused.increment();
                    lastAnswered = response.getUnsignedIntLE(response.readerIndex() + 5);
                    return alloc.buffer(response.readableBytes()).writeBytes(response, response.readerIndex(),
                            response.readableBytes());
                }
                lastAnswered = -1;
                capturing = sql;
                capture = alloc.buffer();
                return null;
            }
            case Command.COM_STMT_CLOSE -> {
                ByteBuf p = command.packet();
                if (p.readableBytes() >= 9 && sqlById.containsKey(p.getUnsignedIntLE(p.readerIndex() + 5))) {
                    return Unpooled.EMPTY_BUFFER;          // the statement stays open for the next prepare
                }
                return null;
            }
            case Command.COM_RESET_CONNECTION -> {
                forget();
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    @Override
    public List<RouteHint> routeQuery(Command command) {
        return List.of();
    }

    @Override
    public boolean needsReplyPackets() {
        return true;
    }

    @Override
    public ByteBuf replyPacket(ByteBuf packet, ReplyPacketKind kind) {
        if (capture != null) {
            capture.writeBytes(packet, packet.readerIndex(), packet.readableBytes());
        }
        return packet;
    }

    @Override
    public void clientReply(Reply reply) {
        if (capture == null) {
            return;
        }
        ByteBuf response = capture;
        String sql = capturing;
        capture = null;
        capturing = null;
        // The id the client was given is in the response itself (a router may hand out ids of its own).
        if (reply.kind() == Reply.Kind.PREPARE_OK && response.readableBytes() >= 9 && !bySql.containsKey(sql)) {
            bySql.put(sql, response);
            sqlById.put(response.getUnsignedIntLE(response.readerIndex() + 5), sql);
            cachedCount.increment();
        } else {
            response.release();
        }
    }

    @Override
    public void sessionReset() {
        forget();
    }

    @Override
    public void close() {
        forget();
    }

    /** The server no longer has the statements (reset, change of user, end): drop every cached response. */
    private void forget() {
        bySql.values().forEach(ByteBuf::release);
        bySql.clear();
        sqlById.clear();
        lastAnswered = -1;
        if (capture != null) {
            capture.release();
            capture = null;
            capturing = null;
        }
    }
}
