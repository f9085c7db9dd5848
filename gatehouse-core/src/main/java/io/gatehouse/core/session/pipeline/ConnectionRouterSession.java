package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.protocol.reply.ReplyTracker;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router session of a connection router (readconnroute, and any router that only picks a server per session):
 * one endpoint, opened at login to the server {@link Router#selectBackend} chooses, takes every command, and every
 * reply byte goes back to the client. When the service has no filter the pipeline bypasses {@link #routeQuery} and
 * streams whole read chunks to this endpoint instead. Confined to the session's worker thread; it forwards every
 * buffer it is handed.
 */
public final class ConnectionRouterSession implements RouterSession {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRouterSession.class);

    private final Router router;
    private SessionRouterContext pipeline;
    /** The session's one endpoint: its connection, or the lasting endpoint of a session that shares them. */
    private Endpoint endpoint;
    /** The server status the router last accepted for this session; -1 before the first command. */
    private int checkedStatus = -1;

    public ConnectionRouterSession(Router router) {
        this.router = router;
    }

    /** The connection the fast path streams to (a session on the fast path does not share connections). */
    BackendConnection endpoint() {
        return endpoint == null ? null : SharedEndpoint.connectionOf(endpoint);
    }

    @Override
    public void start(RouterSessionContext context) {
        pipeline = (SessionRouterContext) context;
        ServerView chosen = router.selectBackend(context.client());
        if (chosen == null) {
            context.fail(2003, "HY000", "No server of service '" + pipeline.session().service().name()
                    + "' can take the session: none is running in a role the service routes to");
            return;
        }
        if (!(chosen instanceof io.gatehouse.core.server.Server)) {
            // A connection router streams one backend connection's bytes; a service target is a whole session.
            context.fail(2003, "HY000", "Service '" + pipeline.session().service().name() + "' cannot route to '"
                    + chosen.name() + "': a connection router's targets must be servers, not services");
            return;
        }
        endpoint = context.connect(chosen);
    }

    @Override
    public void routeQuery(Command command) {
        if (!serverStillFits()) {
            command.packet().release();
            serverNoLongerFits();
            return;
        }
        endpoint.write(command.packet(), command.command());
    }

    /**
     * True while the router keeps the session on its server; it is asked again only when the server's status
     * changed, so the check costs one read of the status per command.
     */
    boolean serverStillFits() {
        int st = endpoint.server().status();
        if (st == checkedStatus) {
            return true;
        }
        if (!router.keepsSessionOn(endpoint.server())) {
            return false;
        }
        checkedStatus = st;
        return true;
    }

    /** Ends the session at a command, between replies: the server no longer has the role the session needs. */
    void serverNoLongerFits() {
        String why = "Server '" + endpoint.server().name() + "' no longer matches the router_options of service '"
                + pipeline.session().service().name() + "' (its state is " + ServerStatus.describe(
                endpoint.server().status()) + "): the session ends";
        pipeline.failWithSequence(1, 2013, "08S01", "Lost connection to backend server: " + why);
    }

    @Override
    public void clientReply(Endpoint from, ByteBuf buf, Reply reply) {
        pipeline.clientWrite(buf);
        if (reply != null) {
            pipeline.commandDone();
        }
    }

    @Override
    public void endpointReady(Endpoint e, ByteBuf okPacket) {
        pipeline.loginDone(okPacket);
    }

    @Override
    public void endpointFailed(Endpoint e, int code, String sqlState, String message) {
        BackendConnection b = SharedEndpoint.connectionOf(e);
        if (!pipeline.loggedIn()) {
            ((io.gatehouse.core.server.Server) e.server()).authFailed();
            pipeline.fail(code, sqlState, message);
            return;
        }
        if (code == 1040) {
            // A session that gave its connection back (idle_session_pool_time) found none free within
            // multiplex_timeout: its command gets the error that names the limit, and the session ends.
            pipeline.fail(code, sqlState, message);
            return;
        }
        ReplyTracker t = b == null ? null : b.tracker();
        if (t != null && t.busy()) {
            // A query was running: the session ends (a connection router cannot move a session to another server).
            // The pipeline ends a reply the client was receiving with an error after its whole packets; before any
            // reply it closes the connection without a packet, as the server would (KILL of a statement waiting for
            // a lock), and the client's library reports the lost connection itself.
            pipeline.fail(2013, "HY000", "Lost connection to backend server '" + e.server().name()
                    + "' during query");
        } else {
            LOG.info("{}: connection to {} of session {} closed", pipeline.session().service().name(), e.server(),
                    pipeline.session().id());
            pipeline.closeQuietly();
        }
    }

    @Override
    public void close() {
        endpoint = null;
    }
}
