package io.gatehouse.core.session.protocol;

import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * One end of an in-process channel pair: what one end writes and flushes is read by the other end's pipeline, in
 * order, without copying. Both ends are registered on the same worker event loop and used only there (Netty's
 * {@code LocalChannel} cannot register on the epoll or io_uring loops the workers run). A message passes to the
 * peer at flush, owned by the peer from then; reads are delivered from a task of the loop, never inside the
 * writer's call, and only while the reader reads ({@code AUTO_READ} or {@code read()}). Closing one end closes the
 * other after it has read what was already sent; messages still queued then are released.
 */
final class PairChannel extends AbstractChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    private final ChannelConfig config = new DefaultChannelConfig(this) {
        @Override
        protected void autoReadCleared() {
            readPending = false;                        // AUTO_READ off stops reading at once, as for a socket
        }
    };
    private final SocketAddress local;
    private final SocketAddress remote;
    private final ArrayDeque<Object> inbound = new ArrayDeque<>();
    private PairChannel peer;
    private boolean open = true;
    /** The pipeline asked to read (doBeginRead) and has not had a delivery since. */
    private boolean readPending;
    private boolean deliveryScheduled;

    private PairChannel(SocketAddress local, SocketAddress remote) {
        super(null);
        this.local = local;
        this.remote = remote;
    }

    /**
     * A connected pair: the first end's remote address is {@code remote}, the second's is {@code local} (so each
     * end sees the other's address). Neither is registered yet.
     */
    static PairChannel[] create(SocketAddress local, SocketAddress remote) {
        PairChannel a = new PairChannel(local, remote);
        PairChannel b = new PairChannel(remote, local);
        a.peer = b;
        b.peer = a;
        return new PairChannel[] {a, b};
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new AbstractUnsafe() {
            @Override
            public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
                promise.setFailure(new UnsupportedOperationException("an in-process pair is connected when made"));
            }
        };
    }

    /** Any loop will do: registration registers nothing with its I/O handler (there is no file descriptor). */
    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        promise.setSuccess();
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("an in-process pair has no address of its own to bind");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        if (!open) {
            return;
        }
        open = false;
        Object m;
        while ((m = inbound.pollFirst()) != null) {
            ReferenceCountUtil.release(m);
        }
        PairChannel p = peer;
        if (p.open && p.isRegistered()) {
            // After the tasks already queued: the peer reads what was sent before this close, then closes.
            p.eventLoop().execute(() -> {
                p.deliver(true);
                p.close();
            });
        }
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        if (!inbound.isEmpty()) {
            scheduleDelivery();
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer out) {
        PairChannel p = peer;
        Object m;
        while ((m = out.current()) != null) {
            if (!p.open) {
                out.remove(new ClosedChannelException());
                continue;
            }
            p.inbound.addLast(ReferenceCountUtil.retain(m));
            out.remove();
        }
        if (p.readPending) {
            p.scheduleDelivery();
        }
    }

    private void scheduleDelivery() {
        if (deliveryScheduled || !open) {
            return;
        }
        deliveryScheduled = true;
        eventLoop().execute(() -> {
            deliveryScheduled = false;
            deliver(false);
        });
    }

    /**
     * Hands queued messages to the pipeline while it reads; stops when it turns {@code AUTO_READ} off. With
     * {@code closing}, the last messages before the peer's close are delivered if the pipeline reads at all.
     */
    private void deliver(boolean closing) {
        if (!open || (!readPending && !(closing && config.isAutoRead())) || inbound.isEmpty()) {
            return;
        }
        readPending = false;
        ChannelPipeline pipeline = pipeline();
        Object m;
        while (open && (m = inbound.pollFirst()) != null) {
            pipeline.fireChannelRead(m);
            if (!config.isAutoRead()) {
                break;
            }
        }
        pipeline.fireChannelReadComplete();            // with AUTO_READ on, this asks for the next read
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }
}
