package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.filter.Branch;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.filter.InternalReply;
import io.gatehouse.core.session.branch.BranchSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One filter session's view of its session: the allocator, timers on its worker, ending the session with an error,
 * the branches it opened (closed with the session), whether it holds the client's commands back, and statements
 * it runs itself before a client command. One per filter
 * of the chain; confined to the session's worker thread. Holds no buffers itself (its branches own theirs).
 */
final class FilterContext implements FilterSessionContext {
    private final SessionPipeline pipeline;
    private final List<BranchSession> branches = new ArrayList<>(1);
    private boolean holding;

    FilterContext(SessionPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public ByteBufAllocator alloc() {
        return pipeline.alloc();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return io.gatehouse.core.worker.ChannelLoop.schedule(pipeline.session().clientChannel(), task, delay, unit);
    }

    @Override
    public boolean isOpen() {
        return pipeline.session().isRouting();
    }

    @Override
    public void closeSession(int code, String sqlState, String message) {
        if (isOpen()) {
            SessionRouterContext context = pipeline.context();
            context.failWithSequence(context.endingSequence(), code, sqlState, message);
        }
    }

    @Override
    public Branch openBranch(String target, Branch.Listener listener) {
        BranchSession b = BranchSession.open(pipeline.session(), target, listener);
        branches.add(b);
        return b;
    }

    @Override
    public void holdCommands(boolean hold) {
        if (hold != holding && isOpen()) {
            holding = hold;
            pipeline.filterHolds(hold);
        }
    }

    @Override
    public void runBefore(ByteBuf packet, InternalReply reply) {
        if (!isOpen()) {
            packet.release();
            return;
        }
        pipeline.runBefore(packet, reply);
    }

    /**
     * True while a branch this filter opened still holds connections (open, or draining its last copies): they are
     * registered on the session's worker, so the session must not move to another one ({@code SessionMoves}).
     */
    boolean holdsBranch() {
        for (BranchSession b : branches) {
            if (b.holdsConnections()) {
                return true;
            }
        }
        return false;
    }

    /** The session ended: the branches still open close (their connections are not pooled). */
    void release() {
        for (BranchSession b : branches) {
            b.close();
        }
        branches.clear();
        holding = false;
    }
}
