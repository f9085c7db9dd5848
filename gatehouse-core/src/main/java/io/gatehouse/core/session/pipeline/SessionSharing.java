package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.SharingCounters;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.PinReason;
import io.gatehouse.core.session.backend.BackendConnection;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's connection sharing ({@code idle_session_pool_time}): the router gets a {@link SharedEndpoint} for each
 * server it connects to; once the session has been idle that long and holds nothing that cannot move (see
 * {@link PinReason}), each endpoint gives its connection back to the worker's pool (or closes it), and takes one
 * again at the router's next write. Keeps the session's pin reasons current in its service's
 * {@link SharingCounters}. Confined to the session's worker thread; holds no buffers of its own.
 */
final class SessionSharing {
    private static final Logger LOG = LoggerFactory.getLogger(SessionSharing.class);

    private final SessionPipeline pipeline;
    private final ClientSession session;
    private final long idleNanos;
    private final SharingCounters counters;
    private final List<SharedEndpoint> shared = new ArrayList<>();
    private final SessionPins pins = new SessionPins();
    private ScheduledFuture<?> timer;
    private long lastDoneNanos = System.nanoTime();
    /** The reasons last counted in the service's figures. */
    private int counted;
    private boolean countedReleased;
    private boolean ended;

    SessionSharing(SessionPipeline pipeline, ClientSession session, long idleNanos) {
        this.pipeline = pipeline;
        this.session = session;
        this.idleNanos = idleNanos;
        this.counters = session.service().sharing();
    }

    /**
     * The session's {@code idle_session_pool_time} in nanoseconds, or -1 when it does not share connections
     * (not set).
     */
    static long idleNanos(ClientSession session) {
        var params = session.service().params();
        if (params.string("idle_session_pool_time") == null) {
            return -1;
        }
        return params.duration("idle_session_pool_time").toNanos();
    }

    SessionPins pins() {
        return pins;
    }

    SessionSqlState sqlState() {
        return pipeline.sqlState();
    }

    ByteBufAllocator alloc() {
        return pipeline.alloc();
    }

    /** A router connects to {@code server}: the endpoint it keeps, over a new (or pooled) connection. */
    /** Bytes of session state the endpoints keep (their histories); worker thread. */
    long historyBytes() {
        long n = 0;
        for (SharedEndpoint e : shared) {
            n += e.historyBytes();
        }
        return n;
    }

    SharedEndpoint open(Server server, boolean withDatabase) {
        SharedEndpoint e = new SharedEndpoint(this, server, withDatabase);
        shared.add(e);
        e.attach(pipeline.openConnection(server, withDatabase));
        return e;
    }

    /** A released endpoint needs a connection again. */
    BackendConnection connect(Server server, boolean withDatabase) {
        return pipeline.openConnection(server, withDatabase);
    }

    /** A released endpoint has a connection again (still logging in). */
    void reattached() {
        countReleased();
    }

    /** An endpoint's connection is back, with the session's state re-applied. */
    void restored() {
        counters.connectionRestored();
        session.publish();
    }

    /** Re-applying state failed: the connection goes, and the router hears it was lost. */
    void restoreFailed(SharedEndpoint e, String why) {
        LOG.warn("{}: session {}: {}", session.service().name(), session.id(), why);
        BackendConnection b = e.connection();
        if (b != null) {
            b.drop(why);
        }
    }

    /** An idle endpoint's connection goes back to the pool, or is closed when the pool does not take it. */
    void giveBack(BackendConnection b) {
        pipeline.forgetConnection(b);
        counters.connectionReleased();
        if (!(b.poolable() && session.proxy().pool().offer(b, session.clientCapabilities()))) {
            b.quit();
        }
    }

    /** A router closed an endpoint, or its connection was lost. */
    void forget(SharedEndpoint e) {
        shared.remove(e);
    }

    /** A command finished: the idle clock restarts, and the pin reasons are counted again. */
    void commandDone() {
        lastDoneNanos = System.nanoTime();
        // Counted between commands: the lasting reasons only, not the next command already waiting.
        count(reasons() & ~(PinReason.REPLY_PENDING.bit() | PinReason.LOAD_DATA.bit()));
        if (timer == null && !ended) {
            timer = io.gatehouse.core.worker.ChannelLoop.schedule(session.clientChannel(), this::idleCheck, idleNanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    private void idleCheck() {
        timer = null;
        if (ended || !session.isRouting()) {
            return;
        }
        long idle = System.nanoTime() - lastDoneNanos;
        if (idle < idleNanos) {
            timer = io.gatehouse.core.worker.ChannelLoop.schedule(session.clientChannel(), this::idleCheck, idleNanos - idle,
                    TimeUnit.NANOSECONDS);
            return;
        }
        int reasons = reasons();
        count(reasons);
        if (reasons != 0) {
            return;                            // the next command that ends starts the clock again
        }
        boolean any = false;
        for (SharedEndpoint e : new ArrayList<>(shared)) {
            any |= e.release();
        }
        if (any) {
            countReleased();
            session.publish();
        }
    }

    /** Why the session cannot give its connections back now, as a {@link PinReason} mask (0: it can). */
    int reasons() {
        int m = pins.mask();
        if (!pipeline.betweenCommands()) {
            m |= PinReason.REPLY_PENDING.bit();
        }
        if (pipeline.sendingFile()) {
            m |= PinReason.LOAD_DATA.bit();
        }
        for (SharedEndpoint e : shared) {
            BackendConnection b = e.connection();
            if (b != null && b.inTransaction()) {
                m |= PinReason.TRANSACTION.bit();
            }
            m |= e.history().pins();
        }
        return m;
    }

    /** The reasons last found (at the end of the last command, or the idle check), for the admin API. */
    int lastReasons() {
        return counted;
    }

    /** True when some endpoint holds no connection now. */
    boolean anyReleased() {
        for (SharedEndpoint e : shared) {
            if (e.released()) {
                return true;
            }
        }
        return false;
    }

    /** True while every endpoint of the session is released (it holds no backend connection). */
    boolean allReleased() {
        if (shared.isEmpty()) {
            return false;
        }
        for (SharedEndpoint e : shared) {
            if (!e.released()) {
                return false;
            }
        }
        return true;
    }

    private void count(int reasons) {
        if (reasons == counted) {
            return;
        }
        counters.pins(counted, reasons);
        counted = reasons;
        if (!ended) {
            session.publish();                     // the admin API shows the reasons of each session
        }
    }

    private void countReleased() {
        boolean now = allReleased();
        if (now != countedReleased) {
            counters.released(now);
            countedReleased = now;
        }
    }

    /** COM_CHANGE_USER or COM_RESET_CONNECTION made the servers forget the session's state. */
    void sessionReset() {
        pins.clear();
        for (SharedEndpoint e : shared) {
            e.history().clear();
        }
    }

    /** The session ends: timers stop, commands held for a returning connection are freed, figures are undone. */
    void release() {
        ended = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        for (SharedEndpoint e : shared) {
            e.releaseWaiting();
        }
        count(0);
        if (countedReleased) {
            counters.released(false);
            countedReleased = false;
        }
    }
}
