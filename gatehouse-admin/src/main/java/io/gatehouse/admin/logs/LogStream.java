package io.gatehouse.admin.logs;

import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.resources.LogEntries;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/maxscale/logs/stream} after its WebSocket upgrade: each log entry from then on (or after
 * {@code page[cursor]}), of the {@code priority} values asked for, goes to the client as one text message holding
 * the entry's JSON, as in the {@code log} array of {@code /logs/data}. Entries are handed from the logging thread to
 * the connection's admin event loop, where every write happens. A client that stops reading is disconnected once
 * Netty's outbound buffer passes its high-water mark, so a stalled client cannot make the proxy hold the log in
 * memory; a client's ping is answered and its close returned, and any data message from it ends the stream (the
 * stream is one-way, as MaxScale's). Inbound frames are released by {@link SimpleChannelInboundHandler}.
 */
public final class LogStream extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(LogStream.class);
    private final Set<String> priorities;
    private final long cursor;
    private AutoCloseable following;
    /** The newest id sent; entries at or below it (the backlog raced with the live feed) are skipped. */
    private long lastSent;

    /** {@code priorities}: the priority words to send, null for all; {@code cursor}: send entries after this id. */
    public LogStream(Set<String> priorities, long cursor) {
        this.priorities = priorities;
        this.cursor = cursor;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        LogRing ring = LogRing.install();
        if (ring == null) {
            return;
        }
        Channel ch = ctx.channel();
        // Where to start is read before following, and what was appended from there on is sent from the ring after
        // following begins, all on the event loop: nothing logged in between is lost, and what arrives twice (from
        // the ring and from the live feed) is skipped by its id.
        List<LogRing.Entry> newest = ring.recent(1, 0);
        lastSent = cursor > 0 ? cursor : newest.isEmpty() ? 0 : newest.get(0).id();
        following = ring.follow(e -> {
            try {
                ch.eventLoop().execute(() -> send(ch, e));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // The admin server is shutting down; the logging thread must not fail because of it.
            }
        });
        for (LogRing.Entry e : ring.after(lastSent)) {
            send(ch, e);
        }
    }

    private void send(Channel ch, LogRing.Entry e) {
        if (e.id() <= lastSent || !ch.isActive()) {
            return;
        }
        lastSent = e.id();
        if (priorities != null && !priorities.contains(LogEntries.priority(e.level()))) {
            return;
        }
        if (!ch.isWritable()) {
            // Not logged: a log line here would feed this very stream.
            ch.writeAndFlush(new CloseWebSocketFrame(1008, "the client did not read the stream"))
                    .addListener(ChannelFutureListener.CLOSE);
            stop();
            return;
        }
        try {
            ch.writeAndFlush(new TextWebSocketFrame(Json.MAPPER.writeValueAsString(LogEntries.json(e))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        } else if (!(frame instanceof PongWebSocketFrame)) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1003, "the log stream takes no data"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Log stream connection error: {}", cause.toString());
        ctx.close();
    }

    private void stop() {
        if (following != null) {
            try {
                following.close();
            } catch (Exception ignored) {
                // Removing from a list cannot fail.
            }
            following = null;
        }
    }
}
