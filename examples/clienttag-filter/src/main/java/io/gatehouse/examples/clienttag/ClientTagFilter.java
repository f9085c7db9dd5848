package io.gatehouse.examples.clienttag;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.router.ClientInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One {@code clienttag} filter section: makes a session per client and counts the statements it tagged. Shared by
 * every worker thread, so its only mutable state is a {@link LongAdder}. It holds no buffers.
 */
final class ClientTagFilter implements Filter {
    /** Payloads this long arrive split over several packets; the example leaves them alone. */
    private static final int MAX_PAYLOAD = 0xFFFFFF;

    private final String tag;
    private final LongAdder tagged = new LongAdder();

    ClientTagFilter(String tag) {
        this.tag = tag;
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        byte[] comment = ("/* " + tag + "=" + client.remote() + " */ ").getBytes(StandardCharsets.UTF_8);
        return new FilterSession() {
            @Override
            public ByteBuf rewriteQuery(Command command, ByteBufAllocator alloc) {
                if (!command.carriesSql()) {          // COM_QUERY and COM_STMT_PREPARE carry statement text
                    return null;
                }
                ByteBuf packet = command.packet();
                int payload = packet.readableBytes() - 4;
                if (payload + comment.length >= MAX_PAYLOAD) {
                    return null;
                }
                // New packet: header, the command byte, the comment, then the original statement text.
                ByteBuf out = alloc.buffer(4 + payload + comment.length);
                out.writeMediumLE(payload + comment.length).writeByte(0).writeByte(command.command()).writeBytes(comment);
                out.writeBytes(packet, packet.readerIndex() + 5, payload - 1);
                tagged.increment();
                return out;
            }

            @Override
            public List<RouteHint> routeQuery(Command command) {
                return List.of();
            }
        };
    }

    @Override
    public Map<String, Object> diagnostics() {
        return Map.of("tagged_statements", tagged.sum());
    }
}
