package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.core.session.ClientSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's filter chain as one session sees it: each filter's session and context in chain order, and how many
 * filters hold the client's next commands back. Confined to the session's worker thread; a command passed through
 * stays its caller's (a rewriting filter replaces its packet), and an answer a filter gives belongs to the caller.
 */
final class FilterChain {
    private List<FilterSession> sessions = List.of();
    /** Each filter's view of the session (its branches, whether it holds commands back), in chain order. */
    private final List<FilterContext> contexts = new ArrayList<>();
    /** How many filters hold the client's next commands back now (tee's sync). */
    private int holds;

    /** Opens a session of every filter of {@code chainFilters} (the service's, or a restart's), in chain order. */
    void start(SessionPipeline pipeline, ClientSession session, List<Filter> chainFilters) {
        List<FilterSession> chain = new ArrayList<>();
        // Kept as they open: a filter that cannot start leaves the ones before it to close() (the pipeline's release).
        sessions = chain;
        for (Filter f : chainFilters) {
            FilterContext context = new FilterContext(pipeline);
            contexts.add(context);
            chain.add(f.newSession(session.clientInfo(), context));
        }
    }

    /** The filters' sessions in chain order; empty once the chain is closed. */
    List<FilterSession> sessions() {
        return sessions;
    }

    boolean isEmpty() {
        return sessions.isEmpty();
    }

    /** Lets every filter rewrite {@code command}, left to right. */
    void rewrite(Command command, ByteBufAllocator alloc) {
        for (FilterSession f : sessions) {
            command.replace(f.rewriteQuery(command, alloc));
        }
    }

    /** The first filter's answer in the router's place (owned by the caller), or null when none answers. */
    ByteBuf answer(Command command, ByteBufAllocator alloc) {
        for (FilterSession f : sessions) {
            ByteBuf answer = f.answer(command, alloc);
            if (answer != null) {
                return answer;
            }
        }
        return null;
    }

    /**
     * Attaches every filter's routing hints to {@code command} and returns the longest delay one asks for, in
     * nanoseconds; stops early when a filter ends the session.
     */
    long route(Command command, ClientSession session) {
        long delay = 0;
        for (FilterSession f : sessions) {
            command.attach(f.routeQuery(command));
            delay = Math.max(delay, f.delayNanos(command));
            if (!session.isRouting()) {
                break;                               // the chain was closed with the session
            }
        }
        return delay;
    }

    /** A filter starts or stops holding commands back; true when the last one stopped. */
    boolean hold(boolean hold) {
        holds += hold ? 1 : -1;
        return holds == 0;
    }

    /** True while some filter holds the client's next commands back. */
    boolean holding() {
        return holds > 0;
    }

    /** True while a filter's branch still holds connections on the session's worker (see FilterContext). */
    boolean holdsBranch() {
        for (FilterContext c : contexts) {
            if (c.holdsBranch()) {
                return true;
            }
        }
        return false;
    }

    /** After a change of user: every filter forgets the old user's session state. */
    void sessionReset() {
        for (FilterSession f : sessions) {
            f.sessionReset();
        }
    }

    /** Closes every filter's session and frees what their contexts hold (branches). */
    void close() {
        for (FilterSession f : sessions) {
            f.close();
        }
        sessions = List.of();
        for (FilterContext c : contexts) {
            c.release();
        }
    }
}
