package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.session.backend.BackendOwner;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The backend side of a {@link SessionPipeline}: the session's own backend connections, the replies and events they
 * report (handed to the router session), back-pressure between them and the client, and which connection the last
 * command went to. Confined to the session's worker thread; reply bytes it is handed go to the router session (or,
 * on the fast path, straight to the client), and a connection's OK or ERR packet to whoever waits for it.
 */
final class SessionBackends implements BackendOwner {
    private final SessionPipeline pipeline;
    private final ClientSession session;
    private final RouterSession router;
    private final ReplyWatch replyWatch;
    private final List<BackendConnection> connections = new ArrayList<>();
    /** Where the last command was written: the server that may ask for a LOCAL INFILE's contents. */
    private BackendConnection lastTarget;
    /** The connection whose loss the router is being told of, for an error ending its reply; else null. */
    private BackendConnection failing;
    private boolean clientWritable = true;

    SessionBackends(SessionPipeline pipeline, ClientSession session, RouterSession router, ReplyWatch replyWatch) {
        this.pipeline = pipeline;
        this.session = session;
        this.router = router;
        this.replyWatch = replyWatch;
    }

    /** The live list of connections (what classifying needs reads their server versions). */
    List<BackendConnection> live() {
        return connections;
    }

    /** Every backend connection of the session, open or opening. */
    List<BackendConnection> all() {
        return Collections.unmodifiableList(connections);
    }

    /** The connections with a statement running, for KILL QUERY. */
    List<BackendConnection> busy() {
        List<BackendConnection> out = new ArrayList<>(connections.stream().filter(BackendConnection::isBusy).toList());
        pipeline.children.busyConnections(out);              // a service target's own connections too
        return out;
    }

    /** The connection the last command was written to, or null. */
    BackendConnection lastTarget() {
        return lastTarget;
    }

    /** The connection whose loss the router is being told of now, or null. */
    BackendConnection failing() {
        return failing;
    }

    /** A backend connection of the session to {@code server}, pooled or new, logging in. */
    BackendConnection open(Server server, boolean withDatabase) {
        BackendConnection b = session.openBackend(server, this, withDatabase);
        connections.add(b);
        return b;
    }

    /** Takes every connection out, for the pipeline that replaces this one at a restart (see PipelineRestart). */
    List<BackendConnection> handOver() {
        List<BackendConnection> out = new ArrayList<>(connections);
        connections.clear();
        lastTarget = null;
        return out;
    }

    /** A connection a restart took over from the replaced pipeline: this session's from now on. */
    void adopt(BackendConnection b) {
        b.routeThrough(this);
        connections.add(b);
    }

    /** A connection sharing gave back: it is no longer the session's. */
    void forget(BackendConnection b) {
        connections.remove(b);
        if (lastTarget == b) {
            lastTarget = null;                       // another session may take it, with its own LOCAL INFILE
        }
    }

    void flush() {
        for (int i = 0; i < connections.size(); i++) {
            connections.get(i).flush();
        }
    }

    @Override
    public void wroteTo(BackendConnection b) {
        lastTarget = b;
    }

    // Back-pressure: backends are read only while the client keeps up, the client only while every backend does.

    void clientWritable(boolean writable) {
        clientWritable = writable;
        for (int i = 0; i < connections.size(); i++) {
            connections.get(i).readWhileClientKeepsUp(writable);
        }
        pipeline.children.clientWritable(writable);
    }

    @Override
    public boolean clientWritable() {
        return clientWritable;
    }

    @Override
    public void backendWritabilityChanged() {
        boolean full = false;
        for (int i = 0; i < connections.size(); i++) {
            full |= !connections.get(i).isWritable();
        }
        session.blockReads(ClientSession.BACKEND_FULL, full);
    }

    // Replies and events.

    @Override
    public void fromBackend(BackendConnection b, ByteBuf buf, Reply reply) {
        if (pipeline.streaming()) {
            b.server().packetRouted();
            session.clientChannel().write(buf, session.clientChannel().voidPromise());
            return;
        }
        if (b.face() instanceof SharedEndpoint s) {
            if (s.restoring()) {
                s.restoreReply(buf, reply);            // a reply to re-applied state: the router never sees it
                return;
            }
            deliver(s, buf, s.passing(buf, reply));
            return;
        }
        deliver(b, buf, reply);
    }

    /** Reply bytes of a backend connection or of a child session (owned by the router from here). */
    void deliver(Endpoint from, ByteBuf buf, Reply reply) {
        // Watched even without filters: a connection lost mid-reply must know whether its bytes reached the client.
        replyWatch.delivering(from, reply);
        try {
            router.clientReply(from, buf, reply);
        } finally {
            replyWatch.delivered();
        }
    }

    @Override
    public void backendReadComplete() {
        session.clientChannel().flush();
        pipeline.afterBackendRead();
    }

    @Override
    public void endpointReady(BackendConnection b, ByteBuf ok) {
        if (b.face() instanceof SharedEndpoint s && s.restoring()) {
            s.connected(ok);                           // a connection taken again: the router knew it as ready
            session.publish();
            return;
        }
        router.endpointReady(b.face(), ok);
        if (session.isRouting()) {
            session.publish();
        }
    }

    @Override
    public void changeUserDone(BackendConnection b, ByteBuf result) {
        pipeline.changeUser().done(b, result);
    }

    /** A connection its router (or the session) closed has gone: forget it, so it holds no client read back. */
    @Override
    public void endpointGone(BackendConnection b) {
        if (connections.remove(b) && session.isRouting()) {
            session.publish();
            backendWritabilityChanged();
        }
    }

    @Override
    public void endpointClosed(BackendConnection b, int code, String sqlState, String message) {
        if (!connections.remove(b)) {
            return;                                   // dropped already (its socket failed to open afterwards)
        }
        if (session.isRouting()) {
            session.publish();
        }
        pipeline.changeUser().lost(b, code, sqlState, message);
        if (session.isClosedOrClosing()) {
            return;
        }
        if (b.face() instanceof SharedEndpoint s) {
            if (!s.lost(b)) {
                return;                               // not the endpoint's connection any more
            }
            pipeline.sharing().forget(s);
        }
        failing = b;
        try {
            router.endpointFailed(b.face(), code, sqlState, message);
        } finally {
            failing = null;
        }
        backendWritabilityChanged();
    }

    /**
     * The session ends: each connection goes back to the pool when {@code between} commands (nothing of the session
     * is left on it) and the pool takes it, else it quits.
     */
    void release(boolean between) {
        for (BackendConnection b : new ArrayList<>(connections)) {
            if (!(between && b.poolable() && session.proxy().pool().offer(b, session.clientCapabilities()))) {
                b.quit();
            }
        }
        connections.clear();
    }
}
