package io.gatehouse.core.session;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.session.backend.BackendOwner;
import io.gatehouse.core.session.backend.BackendDialer;
import io.gatehouse.core.session.login.ChangeUserLogin;
import io.gatehouse.core.session.pipeline.ConnectionRouterSession;
import io.gatehouse.core.session.pipeline.SessionPipeline;
import io.netty.buffer.ByteBuf;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing phase of one client session, once its login is accepted: the session's {@link SessionPipeline}, the
 * backend connections opened for it (from the worker's pool, logged in again with COM_CHANGE_USER, or new), the
 * COM_CHANGE_USER exchange that reads the client's bytes while it runs, and the reasons to stop reading from the
 * client. Confined to the session's worker thread; it owns the client bytes it is handed until the pipeline or the
 * exchange takes them, and releases them when neither is there.
 */
final class SessionRouting {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRouting.class);

    private final ClientSession session;
    private SessionPipeline pipeline;
    /** The pipeline's router session (a restart's new one takes over from it). */
    private RouterSession routerSession;
    /** The COM_CHANGE_USER exchange waiting for the client's next packet, or null. */
    private ChangeUserLogin changingUser;
    /** The reasons ({@link ClientSession#BACKEND_FULL} and the others) the client is not read now. */
    private int readBlocks;
    /** A restart the admin API asked for (new filters, router session from the service's configuration). */
    private final SessionRestart restart;

    SessionRouting(ClientSession session) {
        this.session = session;
        this.restart = new SessionRestart(session, this);
    }

    /** Adds what the pipeline holds to {@code m}; nothing before routing starts. Worker thread. */
    void measure(SessionMemory m) {
        if (pipeline != null) {
            pipeline.measure(m);
        }
    }

    /** True once the pipeline was built (and until the session released it). */
    boolean started() {
        return pipeline != null;
    }

    /** Builds the pipeline over {@code router} and starts it: the router opens the backend connections it needs. */
    void start(RouterSession router) {
        routerSession = router;
        pipeline = new SessionPipeline(session, router);
        pipeline.start();
    }

    /**
     * A backend connection for {@code owner}, logged in as the client: an idle one from this worker's pool (logged
     * in again with COM_CHANGE_USER) or a new one.
     */
    BackendConnection openBackend(Server server, BackendOwner owner, boolean withDatabase) {
        ClientSession s = session;
        HandshakeResponse backendLogin = withDatabase ? s.login : s.login.withDatabase(null);
        BackendConnection pooled = server.proxyProtocol() ? null : s.proxy.pool().take(server, s.login.capabilities());
        if (pooled != null) {
            pooled.adopt(s, owner, backendLogin, s.auth.passwordSha1());
            return pooled;
        }
        BackendConnection b = new BackendConnection(s, server, backendLogin, s.auth.passwordSha1());
        b.routeThrough(owner);
        if (server.routingSlots().tryTake(server.maxRoutingConnections())) {
            b.holdSlot();
            dial(server, owner, b);
            return b;
        }
        // max_routing_connections: wait for a slot (bounded), and free the ones idle in the workers' pools.
        long wait = s.service.params().duration("multiplex_timeout").toMillis();
        server.routingSlots().await(s.client.eventLoop(), server::maxRoutingConnections, wait, () -> {
            b.holdSlot();
            if (b.isClosed()) {
                b.releaseSlot();                          // the session went away while it waited
            } else {
                dial(server, owner, b);
            }
        }, () -> {
            if (!b.isClosed()) {
                LOG.warn("{}: no connection to {} freed within multiplex_timeout ({} ms)", s.service.name(), server,
                        wait);
                owner.endpointClosed(b, 1040, "08004", "Too many connections to server '" + server.name()
                        + "': max_routing_connections=" + server.maxRoutingConnections()
                        + " are in use and none was freed within multiplex_timeout");
            }
        });
        for (io.netty.util.concurrent.EventExecutor w : s.proxy.workers().inUse()) {
            w.execute(() -> s.proxy.pool().shed(server));
        }
        return b;
    }

    private void dial(Server server, BackendOwner owner, BackendConnection b) {
        ClientSession s = session;
        BackendDialer.dial(s.client.eventLoop(), s.proxy, b, server, cause -> {
            b.releaseSlot();
            LOG.warn("{}: cannot connect to {}: {}", s.service.name(), server, cause.getMessage());
            server.suspect();
            owner.endpointClosed(b, 2003, "HY000", "Can't connect to server '" + server.name() + "' ("
                    + cause.getMessage() + ")");
        });
    }

    /** The client's login answer was sent: bytes it sent meanwhile ({@code early}, owned, or null) go to routing. */
    void loggedIn(ByteBuf early) {
        if (early != null) {
            pipeline.fromClient(early);
            pipeline.flushBackends();
        }
    }

    /** Client bytes of the routing phase (owned here): to a COM_CHANGE_USER exchange reading them, else routed. */
    void read(ByteBuf buf) {
        if (changingUser != null) {
            changingUser.read(buf);
        } else {
            routeClientBytes(buf);
        }
    }

    /** Client bytes of the routing phase, to the pipeline; takes ownership of {@code buf}. */
    void routeClientBytes(ByteBuf buf) {
        if (restart.rebuilding()) {
            restart.hold(buf);
            return;
        }
        if (pipeline == null) {
            buf.release();
            return;
        }
        pipeline.fromClient(buf);
    }

    /** While {@code login} (or null when it ends) proves a COM_CHANGE_USER, the client's bytes are its. */
    void changingUser(ChangeUserLogin login) {
        this.changingUser = login;
    }

    /** A batch of client reads ended: what they routed goes out to the backends. */
    void readComplete() {
        if (pipeline != null) {
            pipeline.flushBackends();
            // A router may answer a command itself while it is read (schemarouter's SHOW DATABASES).
            session.client.flush();
        }
    }

    /** Backpressure: read from the backends only while the client keeps up. */
    void clientWritable(boolean writable) {
        if (pipeline != null) {
            pipeline.clientWritable(writable);
        }
    }

    /** The backend connections with a statement running. */
    List<BackendConnection> busyBackends() {
        return pipeline == null ? List.of() : pipeline.busyEndpoints();
    }

    /** The session's connection sharing as the admin API shows it, or null when it does not share. */
    SessionPipeline.SharingView sharingView() {
        return pipeline == null ? null : pipeline.sharingView();
    }

    /** True when the session may move to another worker now (see {@link SessionPipeline#movable()}). */
    boolean movable() {
        return pipeline != null && changingUser == null && readBlocks == 0 && pipeline.movable();
    }

    /** The session's backend connections, open or opening. */
    List<BackendConnection> backends() {
        return pipeline == null ? List.of() : pipeline.endpoints();
    }

    /** Stops or resumes reading from the client for one {@code reason}; it reads again only when none is left. */
    void blockReads(int reason, boolean block) {
        int was = readBlocks;
        readBlocks = block ? readBlocks | reason : readBlocks & ~reason;
        if ((was == 0) != (readBlocks == 0) && session.client != null) {
            session.client.config().setAutoRead(readBlocks == 0);
        }
    }

    // Restart (SessionRestart).

    /** Rebuilds the session with {@code filters} (null: the service's) once it is quiet. */
    void restart(List<Filter> filters) {
        restart.request(filters);
    }

    /** True when the session may be rebuilt now (see {@link io.gatehouse.core.session.pipeline.PipelineRestart}). */
    boolean quiet() {
        return pipeline != null && changingUser == null && pipeline.restart().quiet();
    }

    /**
     * Replaces the quiet pipeline with one built from the service as it is now (router session, and the filters
     * given or the service's), which takes over the old one's connections as its router connects. When the new
     * pipeline cannot be built (its router session or a filter session cannot start) the session ends, logged, with
     * an error to the client: half of the state may already have moved to the new router, so neither goes on.
     */
    void rebuild(List<Filter> filters) {
        SessionPipeline old = pipeline;
        List<BackendConnection> carried = old.restart().handOver();
        RouterSession rs = null;
        try {
            rs = session.service().router().newSession(session.clientInfo());
            if (rs == null) {
                rs = new ConnectionRouterSession(session.service().router());
            }
            rs.takeOver(routerSession);
        } catch (RuntimeException | LinkageError e) {
            closeQuietly(rs);
            for (BackendConnection b : carried) {
                if (!b.isClosed()) {
                    b.quit();
                }
            }
            restartFailed(e);                                // releases the old pipeline and its router
            return;
        }
        pipeline = null;
        routerSession = rs;
        try {
            old.release();
        } catch (RuntimeException e) {
            // The old router's close failed: what it held is lost, but the new pipeline can carry on.
            LOG.warn("{}: session {}: closing the replaced router session failed", session.service().name(),
                    session.id(), e);
        }
        pipeline = new SessionPipeline(session, rs);
        pipeline.restart().offer(carried);
        if (filters != null) {
            pipeline.restart().chain(filters);
        }
        try {
            pipeline.start();
        } catch (RuntimeException | LinkageError e) {
            if (pipeline != null) {
                pipeline.restart().abandon();                // the connections no router took
            }
            restartFailed(e);                                // releases the new pipeline, its router and filters
            return;
        }
        if (session.isRouting()) {
            session.publish();
        }
    }

    /** A rebuild failed: logged with its cause, and the session ends with an error the client can read. */
    private void restartFailed(Throwable e) {
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        LOG.error("{}: session {} ends: its restart failed: {}", session.service().name(), session.id(), why, e);
        session.sendErrorAndClose(0, 1927, "70100", "Connection killed by Gatehouse: the session could not restart: "
                + why);
    }

    private void closeQuietly(RouterSession rs) {
        if (rs == null) {
            return;
        }
        try {
            rs.close();
        } catch (RuntimeException e) {
            LOG.debug("{}: session {}: closing a router session that did not start", session.service().name(),
                    session.id(), e);
        }
    }

    /** The new pipeline's router is ready (its login OK, which the client does not get, was released). */
    void restartReady() {
        restart.ready();
    }

    /** True from a rebuild until its router is ready. */
    boolean restarting() {
        return restart.rebuilding();
    }

    /** The filters of the session's chain now. */
    List<Filter> filters() {
        return pipeline == null ? List.of() : pipeline.restart().filters();
    }

    /** The session ends: the exchange and the pipeline free what they hold (the pipeline pools or closes backends). */
    void release() {
        restart.release();
        if (changingUser != null) {
            changingUser.release();
            changingUser = null;
        }
        if (pipeline != null) {
            pipeline.release();
            pipeline = null;
        }
    }
}
