package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.protocol.OkPacket;
import io.gatehouse.protocol.StatusFlags;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SessionPipeline}'s part in a session restart (the admin API's {@code POST /sessions/:id/restart} and
 * {@code PATCH /sessions/:id} of its filters): the filter chain it was given in place of its service's, and the
 * logged-in connections of the pipeline it replaces, which its router takes over server by server when it connects,
 * so that what the client set up on them (default database, variables, prepared statements, temporary tables) carries
 * on. Confined to the session's worker thread; it holds connections between the hand-over and the end of the new
 * router's start, and no buffers.
 */
public final class PipelineRestart {
    private final SessionPipeline pipeline;
    /** The chain to build instead of the service's, or null. */
    private List<Filter> chain;
    /** The filters this pipeline's chain was built from. */
    private volatile List<Filter> used = List.of();
    /** The replaced pipeline's connections not taken yet; empty outside a restart. */
    private List<BackendConnection> offered = List.of();
    /** Connections the router took over during its start; told ready once it has started. */
    private final List<BackendConnection> taken = new ArrayList<>();

    PipelineRestart(SessionPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Builds the next chain from {@code filters}, not from the service's; before the pipeline starts. */
    public void chain(List<Filter> filters) {
        this.chain = List.copyOf(filters);
    }

    /** The chain to build: the one given, else {@code service}'s. */
    List<Filter> chainOr(List<Filter> service) {
        used = chain != null ? chain : List.copyOf(service);
        return used;
    }

    /** The filters of this pipeline's chain, in order; any thread (the admin API shows them). */
    public List<Filter> filters() {
        return used;
    }

    /**
     * True when the session can be rebuilt now: logged in, no command under way or waiting, no reply pending on any
     * connection and no transaction open on any (the server's status says), every connection logged in.
     */
    public boolean quiet() {
        if (!pipeline.idleForRestart()) {
            return false;
        }
        for (BackendConnection b : pipeline.endpoints()) {
            if (!b.isReady() || b.isBusy() || b.inTransaction()) {
                return false;
            }
        }
        return true;
    }

    /** Takes the connections out of this (quiet) pipeline for the one that replaces it; release it afterwards. */
    public List<BackendConnection> handOver() {
        return pipeline.handOverEndpoints();
    }

    /** Offers {@code connections} of the replaced pipeline to this one's router; before the pipeline starts. */
    public void offer(List<BackendConnection> connections) {
        this.offered = new ArrayList<>(connections);
    }

    /** An offered connection to {@code server}, now this pipeline's, or null when there is none. */
    BackendConnection take(Server server) {
        for (int i = 0; i < offered.size(); i++) {
            BackendConnection b = offered.get(i);
            if (b.server() == server && b.isReady()) {
                offered.remove(i);
                pipeline.backends().adopt(b);
                b.readWhileClientKeepsUp(pipeline.clientWritable());
                taken.add(b);
                return b;
            }
        }
        return null;
    }

    /**
     * The rebuild failed: the offered connections no router took get a goodbye to their server (those taken are
     * the pipeline's, and go with it).
     */
    public void abandon() {
        for (BackendConnection b : offered) {
            if (!b.isClosed()) {
                b.quit();
            }
        }
        offered = List.of();
        taken.clear();
    }

    /**
     * The router has started: the connections it took over are ready at once (it hears of them as of new ones, with
     * an OK of their own), and those it did not ask for are closed, after a goodbye to their server.
     */
    void routerStarted() {
        for (BackendConnection b : offered) {
            b.quit();
        }
        offered = List.of();
        List<BackendConnection> ready = new ArrayList<>(taken);
        taken.clear();
        for (BackendConnection b : ready) {
            if (b.isReady() && pipeline.endpoints().contains(b)) {
                // The connection's own last state, not a fresh login's: a client that turned autocommit off keeps it
                // off (a router reads this OK as a new connection's). Only the lasting session flags: no
                // transaction is open (the session was quiet), and no reply follows this one.
                int status = b.serverStatus() & (StatusFlags.AUTOCOMMIT | StatusFlags.NO_BACKSLASH_ESCAPES);
                pipeline.endpointReady(b, OkPacket.write(pipeline.alloc(), 2, 0, 0, status, 0, ""));
            }
        }
    }
}
