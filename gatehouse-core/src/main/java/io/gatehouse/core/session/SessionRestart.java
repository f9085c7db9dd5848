package io.gatehouse.core.session;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.core.worker.ChannelLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restart of one client session asked for by the admin API (MaxScale's {@code POST /v1/sessions/:id/restart},
 * and {@code PATCH /v1/sessions/:id} of its filters): waits until the session is quiet (between commands, no reply
 * pending, no transaction open), then has {@link SessionRouting} build a new pipeline (filters and router session)
 * from the service's current configuration, or the filters asked for, which takes over the old one's connections.
 * Until the new router says it is ready the client is not read, and bytes already read wait here. Confined to the
 * session's worker thread; it owns the client bytes it holds until it routes or releases them.
 */
final class SessionRestart {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRestart.class);
    /**
     * How soon a session that is not quiet is looked at again: soon at first (a busy client's next pause comes soon),
     * then less often up to the longest wait (a long transaction), so waiting sessions cost little.
     */
    private static final long FIRST_RETRY_MILLIS = 10;
    private static final long LONGEST_RETRY_MILLIS = 100;

    private final ClientSession session;
    private final SessionRouting routing;
    private boolean pending;
    /** The filters asked for, or null for the service's chain. */
    private List<Filter> chain;
    private ScheduledFuture<?> retry;
    private long retryMillis = FIRST_RETRY_MILLIS;
    /** True from the rebuild until the new router is ready. */
    private boolean rebuilding;
    /** Client bytes read while rebuilding, or null. */
    private CompositeByteBuf held;

    SessionRestart(ClientSession session, SessionRouting routing) {
        this.session = session;
        this.routing = routing;
    }

    /** Asks for a restart with {@code filters} (null: the service's); a later request replaces an earlier one. */
    void request(List<Filter> filters) {
        pending = true;
        chain = filters;
        if (retry == null) {
            attempt();                     // else the retry already scheduled takes the new request
        }
    }

    /** True from the rebuild until the new router is ready: client bytes wait. */
    boolean rebuilding() {
        return rebuilding;
    }

    /** Client bytes (owned) read while rebuilding: kept until the new router is ready. */
    void hold(ByteBuf buf) {
        if (held == null) {
            held = session.client.alloc().compositeBuffer(Integer.MAX_VALUE);
        }
        held.addComponent(true, buf);
    }

    private void attempt() {
        retry = null;
        if (!pending || rebuilding || session.isClosedOrClosing()) {
            return;
        }
        if (!session.isRouting() || !routing.quiet()) {
            retry = ChannelLoop.schedule(session.client, this::attempt, retryMillis, TimeUnit.MILLISECONDS);
            retryMillis = Math.min(LONGEST_RETRY_MILLIS, retryMillis * 2);
            return;
        }
        pending = false;
        retryMillis = FIRST_RETRY_MILLIS;
        List<Filter> filters = chain;
        chain = null;
        rebuilding = true;
        session.blockReads(ClientSession.RESTARTING, true);
        LOG.info("{}: session {} restarts{}", session.service().name(), session.id(),
                filters == null ? "" : " with " + filters.size() + " filter(s) of its own");
        routing.rebuild(filters);
    }

    /** The new router is ready: the client is read again, and what it sent meanwhile is routed. */
    void ready() {
        if (!rebuilding) {
            return;
        }
        rebuilding = false;
        session.blockReads(ClientSession.RESTARTING, false);
        CompositeByteBuf early = held;
        held = null;
        if (early != null) {
            routing.routeClientBytes(early);
            routing.readComplete();
        }
        if (pending) {
            attempt();
        }
    }

    /** The session ends: nothing more to restart, and what was held is released. */
    void release() {
        pending = false;
        rebuilding = false;
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
