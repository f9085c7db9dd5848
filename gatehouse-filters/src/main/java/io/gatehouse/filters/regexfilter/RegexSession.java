package io.gatehouse.filters.regexfilter;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.filters.common.StatementText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * One session of a regexfilter: rewrites the SQL of COM_QUERY and COM_STMT_PREPARE commands when the session is one
 * the filter applies to ({@code source}, {@code user}). Confined to the session's worker thread; it reads the packet
 * it is shown without keeping it and hands the core a new packet it allocated.
 */
final class RegexSession implements FilterSession {
    private final RegexFilter filter;
    private final boolean active;

    RegexSession(RegexFilter filter, boolean active) {
        this.filter = filter;
        this.active = active;
    }

    @Override
    public ByteBuf rewriteQuery(Command c, ByteBufAllocator alloc) {
        ByteBuf packet = c.packet();
        int command = c.command();
        if (!active || !StatementText.carriesSql(command)) {
            return null;
        }
        String sql = StatementText.of(packet, command);
        String rewritten = sql == null ? null : rewrite(sql);
        return rewritten == null ? null : StatementText.command(alloc, command, rewritten);
    }

    /** The statement rewritten, or null to keep it; {@code sql} is one char per byte. */
    String rewrite(String sql) {
        return filter.rewrite(sql);
    }

    @Override
    public List<RouteHint> routeQuery(Command c) {
        return List.of();
    }
}
