package io.gatehouse.filters.rewritefilter;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.command.CommandCodes;
import io.gatehouse.filters.common.StatementText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One session of a rewritefilter: rewrites the SQL of COM_QUERY and COM_STMT_PREPARE commands with the filter's
 * templates. Confined to the session's worker thread; it reads the packet it is shown without keeping it and hands
 * the core a new packet it allocated.
 */
final class RewriteSession implements FilterSession {
    /** Payloads this long or longer span several packets; they pass unchanged. */
    private static final int MAX_PAYLOAD = 0xffffff;

    private final RewriteFilter filter;

    RewriteSession(RewriteFilter filter) {
        this.filter = filter;
    }

    @Override
    public ByteBuf rewriteQuery(Command c, ByteBufAllocator alloc) {
        int command = c.command();
        ByteBuf packet = c.packet();
        if ((command != CommandCodes.COM_QUERY && command != CommandCodes.COM_STMT_PREPARE)
                || packet.readableBytes() - 4 >= MAX_PAYLOAD) {
            return null;
        }
        String out = filter.rewrite(StatementText.payloadText(packet));
        if (out == null) {
            return null;
        }
        byte[] sql = out.getBytes(StandardCharsets.UTF_8);
        if (sql.length + 1 >= MAX_PAYLOAD) {
            return null;                     // the rewrite would need a split packet: keep the statement as sent
        }
        ByteBuf p = alloc.buffer(5 + sql.length);
        p.writeMediumLE(sql.length + 1).writeByte(0).writeByte(command).writeBytes(sql);
        return p;
    }

    @Override
    public List<RouteHint> routeQuery(Command c) {
        return List.of();
    }
}
