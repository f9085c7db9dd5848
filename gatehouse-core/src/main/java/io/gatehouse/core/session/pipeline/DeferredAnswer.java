package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command whose answer a filter gives later ({@link FilterSession#answerLater}), such as the cache asking Redis:
 * the session stays busy (further commands wait in the pipeline's queue) and the worker goes on serving other
 * sessions; when the filter's stage completes, on whatever thread, the rest runs back on the session's worker.
 * Confined to the session's worker except for the completion hop. It owns the waiting command's packet until it
 * resumes the command or the session ends, and the answer buffer from the moment the stage brings it.
 */
final class DeferredAnswer {
    private static final Logger LOG = LoggerFactory.getLogger(DeferredAnswer.class);

    private final SessionPipeline pipeline;
    /** The command waiting for its answer, or null. */
    private Command waiting;

    DeferredAnswer(SessionPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Asks the chain whether a filter answers {@code command} later; true when one does (the command waits here). */
    boolean ask(Command command, ByteBufAllocator alloc) {
        for (FilterSession f : pipeline.filters()) {
            CompletionStage<ByteBuf> later = f.answerLater(command, alloc);
            if (later != null) {
                waiting = command;
                // On the worker the session is on when the answer comes, not the one it was on when asked.
                later.whenComplete((answer, error) -> io.gatehouse.core.worker.ChannelLoop.run(
                        pipeline.session().clientChannel(), () -> resume(command, answer, error, alloc)));
                return true;
            }
        }
        return false;
    }

    /** The filter decided: its answer goes to the client, or the command goes on through the chain. */
    private void resume(Command command, ByteBuf answer, Throwable error, ByteBufAllocator alloc) {
        if (waiting != command || !pipeline.session().isRouting()) {
            if (answer != null) {
                answer.release();                        // the session ended meanwhile
            }
            if (waiting == command) {
                waiting = null;
                command.packet().release();
            }
            return;
        }
        waiting = null;
        if (error != null) {
            LOG.warn("Session {}: a filter's late answer failed, the command is routed: {}",
                    pipeline.session().id(), error.toString());
            if (answer != null) {
                answer.release();
            }
            answer = null;
        }
        if (answer != null) {
            command.packet().release();
            pipeline.answered(answer);
        } else {
            pipeline.answerOrRoute(command, alloc);
        }
        pipeline.flushBackends();
    }

    /** The session ends: the waiting command's packet is released; a late answer is released when it comes. */
    void release() {
        if (waiting != null) {
            waiting.packet().release();
            waiting = null;
        }
    }
}
