package io.gatehouse.core.session.protocol;

import io.gatehouse.api.protocol.ServiceSessionListener;
import io.gatehouse.api.protocol.SessionLogin;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.ClientSettings;
import io.gatehouse.core.session.ProxyContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the sessions a protocol module opens enter a listener's service: one in-process server channel per worker,
 * whose accepted channels each get an ordinary {@link ClientSession} of the service with the listener's client
 * settings, on the same worker as the protocol's client (so the session, its backends and the protocol share one
 * event loop and nothing hops threads). Started and stopped on the main thread with its listener; {@link #open} runs
 * on a worker. Holds no buffers.
 */
public final class ServiceEntrance {
    private static final AtomicLong NEXT = new AtomicLong();

    private final String listenerName;
    private final Service service;
    private final ServerView serviceView;
    private final ClientSettings settings;
    private final Map<EventExecutor, LocalAddress> addresses = new IdentityHashMap<>();
    private final List<Channel> servers = new ArrayList<>();
    /** Sessions whose pair is being connected, by the client end's address; written and read on workers. */
    private final Map<SocketAddress, Pending> pending = new ConcurrentHashMap<>();
    private ProxyContext proxy;

    private record Pending(ProtocolServiceSession session, SocketAddress peer) {
    }

    public ServiceEntrance(String listener, Service service, ServerView serviceView, ClientSettings settings) {
        this.listenerName = listener;
        this.service = service;
        this.serviceView = serviceView;
        this.settings = settings;
    }

    /** Binds one in-process server channel on each worker. Main thread. */
    public void start(ProxyContext proxy) throws InterruptedException {
        this.proxy = proxy;
        long id = NEXT.incrementAndGet();
        int i = 0;
        for (EventExecutor worker : proxy.workers().workers()) {
            LocalAddress addr = new LocalAddress("gatehouse-" + listenerName + "-" + id + "-" + i++);
            Channel ch = new ServerBootstrap().group((EventLoop) worker, (EventLoop) worker)
                    .channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            accepted(ch);
                        }
                    })
                    .bind(addr).sync().channel();
            servers.add(ch);
            addresses.put(worker, addr);
        }
    }

    /** Closes the server channels; sessions already open go on. Main thread. */
    public void stop() {
        for (Channel c : servers) {
            c.close().syncUninterruptibly();
        }
        servers.clear();
    }

    /** Opens a session for the protocol client on {@code client} (called on its worker). */
    ProtocolServiceSession open(Channel client, SessionLogin login, ServiceSessionListener listener, Runnable onEnd) {
        ProtocolServiceSession s = new ProtocolServiceSession(serviceView, login, listener, client.alloc(), onEnd);
        LocalAddress server = addresses.get(client.eventLoop());
        if (server == null) {
            client.eventLoop().execute(() -> s.fail(1045, "08S01", "Listener '" + listenerName
                    + "' is not accepting sessions"));
            return s;
        }
        LocalAddress self = new LocalAddress("gatehouse-session-" + NEXT.incrementAndGet());
        pending.put(self, new Pending(s, client.remoteAddress()));
        new Bootstrap().group(client.eventLoop()).channel(LocalChannel.class).handler(s)
                .connect(server, self).addListener(f -> {
                    if (!f.isSuccess()) {
                        pending.remove(self);
                        s.fail(2003, "HY000", "Can't open a session of service '" + service.name() + "': "
                                + f.cause());
                    }
                });
        return s;
    }

    /** The service's end of a new pair: a client session of the service, as for a MariaDB client. */
    private void accepted(LocalChannel ch) {
        Pending p = pending.remove(ch.remoteAddress());
        if (p == null) {
            ch.close();
            return;
        }
        ClientSession session = new ClientSession(service, proxy, settings);
        session.peer(p.peer());
        p.session().serverSide(session);
        ch.pipeline().addLast("session", session);
    }
}
