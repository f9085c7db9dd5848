package io.gatehouse.core.session.protocol;

import io.gatehouse.api.protocol.ServiceSessionListener;
import io.gatehouse.api.protocol.SessionLogin;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.ClientSettings;
import io.gatehouse.core.session.ProxyContext;
import io.netty.channel.Channel;

/**
 * Where the sessions a protocol module opens enter a listener's service: each one is an in-process channel pair
 * ({@link PairChannel}) on the protocol client's worker, with an ordinary {@link ClientSession} of the service (the
 * listener's client settings, the protocol client's address) at one end and the protocol's
 * {@link ProtocolServiceSession} at the other, so the session, its backends and the protocol share one event loop
 * and nothing hops threads. Started and stopped on the main thread with its listener; {@link #open} runs on a
 * worker. Holds no buffers.
 */
public final class ServiceEntrance {
    private final String listenerName;
    private final Service service;
    private final ServerView serviceView;
    private final ClientSettings settings;
    private volatile ProxyContext proxy;

    public ServiceEntrance(String listener, Service service, ServerView serviceView, ClientSettings settings) {
        this.listenerName = listener;
        this.service = service;
        this.serviceView = serviceView;
        this.settings = settings;
    }

    /** Sessions may be opened from now on. Main thread. */
    public void start(ProxyContext proxy) {
        this.proxy = proxy;
    }

    /** No new sessions from now on; those open go on. Main thread. */
    public void stop() {
        this.proxy = null;
    }

    /** Opens a session for the protocol client on {@code client} (called on its worker). */
    ProtocolServiceSession open(Channel client, SessionLogin login, ServiceSessionListener listener, Runnable onEnd) {
        ProtocolServiceSession s = new ProtocolServiceSession(serviceView, login, listener, client.alloc(), onEnd);
        ProxyContext p = proxy;
        if (p == null) {
            client.eventLoop().execute(() -> s.fail(1045, "08S01", "Listener '" + listenerName
                    + "' is stopped: it opens no sessions of service '" + service.name() + "'"));
            return s;
        }
        // The service's end sees the protocol client's address, which its accounts and session list use.
        PairChannel[] pair = PairChannel.create(client.localAddress(), client.remoteAddress());
        PairChannel serviceEnd = pair[0];
        PairChannel protocolEnd = pair[1];
        ClientSession session = new ClientSession(service, p, settings);
        s.serverSide(session);
        protocolEnd.pipeline().addLast("service-session", s);
        serviceEnd.pipeline().addLast("session", session);
        client.eventLoop().register(protocolEnd);
        client.eventLoop().register(serviceEnd);
        return s;
    }
}
