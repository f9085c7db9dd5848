package io.gatehouse.moduletest;

import io.gatehouse.api.command.CommandCodes;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.server.ServerView;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend connection with no server behind it: it records the statements a router writes to it and answers each
 * with the next scripted reply (an OK packet when none is scripted). Confined to the test's thread. It takes
 * ownership of every packet written to it, as a real endpoint does, and releases it after recording its text.
 */
public final class ScriptedEndpoint implements Endpoint {
    /** A reply to play back: its bytes (owned by the endpoint until delivered) and its parsed summary. */
    public record Scripted(ByteBuf bytes, Reply reply) {
    }

    private final StatementSession session;
    private final ServerView server;
    private final long threadId;
    private final List<String> received = new ArrayList<>();
    private final ArrayDeque<Scripted> script = new ArrayDeque<>();
    private boolean closed;
    private boolean busy;
    private boolean hangNext;

    ScriptedEndpoint(StatementSession session, ServerView server, long threadId) {
        this.session = session;
        this.server = server;
        this.threadId = threadId;
    }

    /** Queues the reply to the next statement this endpoint receives. */
    public ScriptedEndpoint answer(ByteBuf bytes, Reply reply) {
        script.addLast(new Scripted(bytes, reply));
        return this;
    }

    /** The next statement gets no reply at all, as from a server that hangs (until the test fails the endpoint). */
    public ScriptedEndpoint hang() {
        hangNext = true;
        return this;
    }

    /** The statement texts received so far, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public ServerView server() {
        return server;
    }

    @Override
    public boolean isReady() {
        return !closed;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isBusy() {
        return busy;
    }

    @Override
    public void write(ByteBuf packet, int command) {
        try {
            if (closed) {
                throw new IllegalStateException("write to a closed endpoint of " + server.name());
            }
            received.add(TestPackets.sqlOf(packet));
            // A real channel's write consumes the buffer: a router that writes a buffer it keeps must not rely on it.
            packet.skipBytes(packet.readableBytes());
        } finally {
            packet.release();
        }
        if (command == CommandCodes.COM_STMT_SEND_LONG_DATA || command == CommandCodes.COM_STMT_CLOSE
                || command == CommandCodes.COM_QUIT) {
            return;                                  // no reply to SEND_LONG_DATA, STMT_CLOSE, QUIT
        }
        busy = true;
        if (hangNext) {
            hangNext = false;
            return;
        }
        Scripted next = script.pollFirst();
        if (next == null) {
            next = new Scripted(TestPackets.ok(session.alloc(), 1), TestPackets.okReply(command));
        }
        session.replyLater(this, next);
    }

    void replied() {
        busy = false;
    }

    @Override
    public long threadId() {
        return threadId;
    }

    @Override
    public void close() {
        closed = true;
        while (!script.isEmpty()) {
            script.pollFirst().bytes().release();
        }
    }

    @Override
    public String toString() {
        return "endpoint to " + server.name();
    }
}
