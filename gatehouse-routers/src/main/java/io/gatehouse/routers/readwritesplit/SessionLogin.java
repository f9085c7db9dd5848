package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.netty.buffer.ByteBuf;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The login of one readwritesplit session: opens the primary and the first replicas, waits until each has logged
 * in, and keeps the OK packet the client gets (the primary's, or the first one's when there is no primary) until
 * then. Per session, on its worker thread; owns that OK packet until it hands it to the client.
 */
final class SessionLogin {
    private final Set<Endpoint> connecting = new LinkedHashSet<>();
    private ByteBuf loginOk;

    /**
     * Opens the connections of a new session: the first running primary and, unless {@code lazy_connect}, up to
     * {@code slave_connections} (and {@code max_slave_connections}) running replicas, added to {@code replicas}.
     * Returns the primary, or null; fails the session when no server can be opened.
     */
    Endpoint open(RouterSessionContext context, Params params, String service, List<Endpoint> replicas) {
        Endpoint primary = null;
        long maxReplicas = params.bool("lazy_connect") ? 0
                : Math.min(params.integer("max_slave_connections"), params.integer("slave_connections"));
        for (ServerView s : context.targets()) {
            int st = s.status();
            if (!ServerStatus.acceptsNewSessions(st)) {
                continue;
            }
            if (primary == null && ServerStatus.has(st, ServerStatus.MASTER)) {
                primary = context.connect(s);
                connecting.add(primary);
            } else if (ServerStatus.has(st, ServerStatus.SLAVE) && replicas.size() < maxReplicas) {
                Endpoint e = context.connect(s);
                replicas.add(e);
                connecting.add(e);
            }
        }
        if (connecting.isEmpty()) {
            context.fail(2003, "HY000", "No server of service '" + service
                    + "' is available: no primary and no replica is running");
        }
        return primary;
    }

    /**
     * {@code e} logged in with {@code ok} (owned by this call). Returns true when its OK is the one the client
     * gets: the primary's, or the first one while there is no primary (then the session's sql_mode is asked of it).
     */
    boolean ready(Endpoint e, ByteBuf ok, Endpoint primary) {
        connecting.remove(e);
        if (e == primary || (loginOk == null && primary == null)) {
            if (loginOk != null) {
                loginOk.release();
            }
            loginOk = ok;
            return true;
        }
        ok.release();
        return false;
    }

    /** {@code e} failed; true when it was still logging in. */
    boolean failed(Endpoint e) {
        return connecting.remove(e);
    }

    /** True while no connection is logging in. */
    boolean nothingConnecting() {
        return connecting.isEmpty();
    }

    /** True while the client waits for the login result and an OK packet for it is kept. */
    boolean holdsOk() {
        return loginOk != null;
    }

    /** Lets the client in once every connection logged in and the sql_mode question is answered. */
    void finishIfDone(RouterSessionContext ctx, boolean askingMode) {
        if (!connecting.isEmpty() || loginOk == null || askingMode) {
            return;
        }
        ByteBuf ok = loginOk;
        loginOk = null;
        ctx.loginDone(ok);
    }

    /** The session ends: releases the OK packet still kept. */
    void close() {
        if (loginOk != null) {
            loginOk.release();
            loginOk = null;
        }
    }
}
