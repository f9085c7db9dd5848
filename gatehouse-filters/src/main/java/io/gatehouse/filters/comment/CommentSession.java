package io.gatehouse.filters.comment;

import io.gatehouse.api.command.Command;
import static io.gatehouse.protocol.Commands.COM_QUERY;

import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.filters.common.StatementText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One session of the comment filter: every COM_QUERY gets the session's comment in front of it. Confined to the
 * session's worker thread; it reads the packet it is shown without keeping it and hands the core a new packet it
 * allocated.
 */
final class CommentSession implements FilterSession {
    /** The text put in front of each statement, one char per byte. */
    private final String prefix;
    private final byte[] prefixBytes;

    CommentSession(String comment) {
        this.prefix = StatementText.bytewise("/* " + comment + " */");
        this.prefixBytes = prefix.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The comment of a session: {@code inject} with {@code $IP} (capitals only, as MaxScale) replaced by the address. */
    static String comment(String inject, String clientAddress) {
        return inject.replace("$IP", clientAddress == null ? "" : clientAddress);
    }

    @Override
    public ByteBuf rewriteQuery(Command c, ByteBufAllocator alloc) {
        ByteBuf packet = c.packet();
        int command = c.command();
        if (command != COM_QUERY) {
            return null;
        }
        ByteBuf fast = StatementText.withPrefix(alloc, packet, prefixBytes);
        if (fast != null) {
            return fast;
        }
        String sql = StatementText.of(packet, command);   // a statement of 16 MiB or more
        return sql == null ? null : StatementText.command(alloc, command, commented(sql));
    }

    /** {@code sql} with the comment in front; both one char per byte. */
    String commented(String sql) {
        return prefix + sql;
    }

    @Override
    public List<RouteHint> routeQuery(Command c) {
        return List.of();
    }
}
