package io.gatehouse.core.session.protocol;

import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.ServiceSession;
import io.gatehouse.api.protocol.ServiceSessionListener;
import io.gatehouse.api.protocol.SessionLogin;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One client of a listener whose protocol is a module, as the core serves it: its channel and the sessions of the
 * listener's service its protocol opened, closed with the channel. Confined to the channel's worker; holds no
 * buffers.
 */
public final class ModuleConnection implements ClientConnection {
    private final Channel channel;
    private final ServiceEntrance entrance;
    private final String serviceName;
    private final List<ProtocolServiceSession> sessions = new ArrayList<>(1);
    private boolean watching;

    public ModuleConnection(Channel channel, ServiceEntrance entrance, String serviceName) {
        this.channel = channel;
        this.entrance = entrance;
        this.serviceName = serviceName;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public String remote() {
        return channel.remoteAddress() instanceof InetSocketAddress isa ? isa.getAddress().getHostAddress()
                : "localhost";
    }

    @Override
    public String serviceName() {
        return serviceName;
    }

    @Override
    public ServiceSession openSession(SessionLogin login, ServiceSessionListener listener) {
        if (!watching) {
            watching = true;
            channel.closeFuture().addListener(f -> channel.eventLoop().execute(this::closeAll));
        }
        ProtocolServiceSession[] self = new ProtocolServiceSession[1];
        ProtocolServiceSession s = entrance.open(channel, login, listener, () -> sessions.remove(self[0]));
        self[0] = s;
        sessions.add(s);
        if (!channel.isOpen()) {
            channel.eventLoop().execute(this::closeAll);
        }
        return s;
    }

    private void closeAll() {
        for (ProtocolServiceSession s : new ArrayList<>(sessions)) {
            s.close();
        }
        sessions.clear();
    }
}
