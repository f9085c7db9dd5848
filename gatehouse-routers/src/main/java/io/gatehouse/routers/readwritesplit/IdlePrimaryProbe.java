package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import io.netty.buffer.ByteBuf;

/**
 * Tells, for one readwritesplit session, a primary that ended the session (its {@code wait_timeout} passed, or it
 * was killed) from a primary that failed: when the primary's connection closes with nothing in flight and the client
 * has sent nothing since the primary last answered, a new connection to that server is opened as a probe. If it
 * logs in, the server is up and ended this session, so the client's connection is closed too, as it would be
 * directly; if it cannot, the primary is lost and {@code master_failure_mode} applies. Per session, on its worker
 * thread; it releases the probe's login OK packet, the only buffer it is handed.
 */
final class IdlePrimaryProbe {
    private long lastCommandNanos;
    private long primaryUsedNanos;
    private Endpoint probe;

    /** The client sent a command. */
    void command() {
        lastCommandNanos = System.nanoTime();
    }

    /** The primary sent reply bytes. */
    void primaryReplied() {
        primaryUsedNanos = System.nanoTime();
    }

    /** The primary's connection closed with nothing in flight and outside a transaction. */
    void primaryClosedIdle(RouterSessionContext ctx, ServerView server) {
        if (probe == null && lastCommandNanos - primaryUsedNanos <= 0) {
            probe = ctx.connect(server);
        }
    }

    boolean isProbe(Endpoint e) {
        return e != null && e == probe;
    }

    /** The probe logged in: the server is up and ended this session, so the client's ends as directly. */
    void probeReady(RouterSessionContext ctx, ByteBuf ok) {
        ok.release();
        Endpoint p = probe;
        probe = null;
        p.close();
        ctx.closeQuietly();
    }

    /** The probe could not log in: the primary is lost. */
    void probeFailed() {
        probe = null;
    }

    void close() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }
}
