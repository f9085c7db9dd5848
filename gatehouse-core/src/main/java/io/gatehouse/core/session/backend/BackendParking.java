package io.gatehouse.core.session.backend;

import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.PacketTooLargeException;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.frame.PacketAccumulator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The life of one backend connection between sessions, in its worker's {@link BackendPool}: the
 * COM_RESET_CONNECTION sent when it is parked and the server's answer to it, how long it has been idle, and the
 * timer that ends it after {@code persistmaxtime}. Confined to the connection's worker thread; the reset packet it
 * makes goes to the channel, and every byte the server sends a parked connection is released here once read.
 */
final class BackendParking {
    private final BackendConnection connection;
    private BackendPool pool;
    /** The server's answer to COM_RESET_CONNECTION has not come yet. */
    private boolean resetting;
    private long idleSinceNanos;
    private ScheduledFuture<?> expiry;

    BackendParking(BackendConnection connection) {
        this.connection = connection;
    }

    boolean isResetting() {
        return resetting;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /**
     * Waits in {@code into} for the next session; the server resets the connection at once (transaction rolled back,
     * locks, temporary tables, variables and prepared statements gone).
     */
    void park(BackendPool into, Channel channel) {
        pool = into;
        resetting = true;
        channel.config().setAutoRead(true);
        ByteBuf reset = channel.alloc().buffer(5);
        Packets.writeHeader(reset, 1, 0);
        reset.writeByte(Commands.COM_RESET_CONNECTION);
        channel.writeAndFlush(reset, channel.voidPromise());
    }

    /** A session takes the connection over: it is no longer in the pool, and no timer ends it. */
    void adopted() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        pool = null;
    }

    /**
     * Bytes from the server while parked (owned here). A pooled connection speaks only to answer its reset; anything
     * else (a timeout error) ends it.
     */
    void read(ChannelHandlerContext ctx, ByteBuf buf, PacketAccumulator framer) {
        if (!resetting || connection.state() != BackendConnection.State.READY) {
            buf.release();
            ctx.close();
            return;
        }
        framer.add(buf);
        ByteBuf packet;
        try {
            packet = framer.next();
        } catch (PacketTooLargeException e) {
            ctx.close();
            return;
        }
        if (packet == null) {
            return;
        }
        boolean ok = packet.readableBytes() > 4 && packet.getUnsignedByte(packet.readerIndex() + 4) == 0x00;
        packet.release();
        if (!ok || framer.bufferedBytes() > 0) {
            ctx.close();
            return;
        }
        resetting = false;
        idleSinceNanos = System.nanoTime();
        connection.replies().wasReset();
        if (connection.server().routingSlots().hasWaiters()) {
            // A session waits for a slot of this server (max_routing_connections) and the pools were shed while this
            // one was still being reset: it frees its slot now instead of waiting here.
            if (pool != null) {
                pool.remove(connection, connection.clientCapabilities());
                pool = null;
            }
            connection.quit();
            return;
        }
        long maxIdle = connection.server().persistMaxTime().toNanos();
        if (maxIdle > 0) {
            // Expired entries go in the background, not only when a session next looks into the pool.
            expiry = ctx.channel().eventLoop().schedule(this::expire, maxIdle, TimeUnit.NANOSECONDS);
        }
    }

    private void expire() {
        expiry = null;
        if (connection.isDetached() && pool != null) {
            pool.remove(connection, connection.clientCapabilities());
            connection.quit();
        }
    }

    /** The parked connection closed: the pool forgets it. */
    void closed() {
        if (expiry != null) {
            expiry.cancel(false);
        }
        if (pool != null) {
            pool.remove(connection, connection.clientCapabilities());
        }
    }
}
