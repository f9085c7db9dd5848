package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.ReplyOrigin;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.core.session.backend.BackendConnection;
import java.util.List;

/**
 * Follows which backend reply a router forwards to the client for the current command, so that filters are told
 * about that reply once, when the command is done, and not about replies the router reads for itself or discards
 * (a session command's answers from the other backends, replays, causal-read waits). Confined to the session's
 * worker thread; it only counts bytes and holds no buffers.
 */
final class ReplyWatch {
    private BackendConnection delivering;
    private Reply deliveringReply;
    private BackendConnection source;
    private Reply reply;
    private long bytes;
    private long firstNanos;

    /** A chunk from {@code b} (completing {@code completed}, or null) is being handed to the router. */
    void delivering(BackendConnection b, Reply completed) {
        delivering = b;
        deliveringReply = completed;
    }

    /** The router returned from handling that chunk. */
    void delivered() {
        delivering = null;
        deliveringReply = null;
    }

    /** The router wrote {@code n} bytes to the client; they count when they are a backend's reply. */
    void toClient(int n) {
        if (delivering == null) {
            return;
        }
        if (firstNanos == 0) {
            firstNanos = System.nanoTime();
        }
        bytes += n;
        source = delivering;
        if (deliveringReply != null) {
            reply = deliveringReply;
        }
    }

    /** The router finished the command: the filters hear of the reply the client got, if one came from a backend. */
    void commandDone(List<FilterSession> filters) {
        Reply r = reply;
        if (r != null && !filters.isEmpty()) {
            ReplyOrigin origin = new ReplyOrigin(source.server().name(), bytes, firstNanos);
            for (FilterSession f : filters) {
                f.clientReply(r, origin);
            }
        }
        reply = null;
        source = null;
        bytes = 0;
        firstNanos = 0;
    }
}
