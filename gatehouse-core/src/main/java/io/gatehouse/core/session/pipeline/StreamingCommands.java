package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path of a {@link SessionPipeline} whose router session streams to one endpoint and whose service has no
 * filter: finds command boundaries in the client's byte stream without copying, registers each command with the
 * endpoint's reply tracker, forwards bytes in whole chunks, and takes out the few commands Gatehouse answers itself
 * (COM_QUIT, COM_CHANGE_USER, COM_PROCESS_KILL, KILL statements naming a Gatehouse connection id). Confined to the
 * session's worker thread. It owns each chunk it is given until it is written to the backend or released, and owns
 * the partial packet it holds between reads.
 */
final class StreamingCommands {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingCommands.class);
    /** Commands we answer ourselves are small; a bigger one cannot be any of them. */
    private static final int MAX_INTERCEPT = 64 * 1024;

    private final ClientSession session;
    private final SessionPipeline pipeline;
    /** Asked at each command between replies whether the session may stay on its server. */
    private final ConnectionRouterSession router;
    private long payloadLeft;
    private boolean continuation;
    /** Payload bytes of the client command being forwarded, over all its packets. */
    private long commandSize;
    /** Bytes of an incomplete packet start, kept until the rest arrives. */
    private ByteBuf held;
    /** Client bytes that arrived after a command we are still answering; replayed when it is done. */
    private ByteBuf deferred;
    private ByteBuf waitingCommand;
    private boolean paused;
    private boolean inLocalInfile;

    StreamingCommands(ClientSession session, SessionPipeline pipeline, ConnectionRouterSession router) {
        this.session = session;
        this.pipeline = pipeline;
        this.router = router;
    }

    /** True when no command is half-read or waiting, so the backend is between commands. */
    boolean idle() {
        return payloadLeft == 0 && held == null && deferred == null && waitingCommand == null && !inLocalInfile;
    }

    /**
     * True when the session may leave this path for the command-by-command one before the next chunk: nothing
     * half-read, held or paused here, and no reply outstanding on {@code backend}.
     */
    boolean canLeave(BackendConnection backend) {
        return idle() && !paused && (backend == null || !backend.isBusy());
    }

    /** Routes a chunk of client bytes; takes ownership of {@code in}. */
    void fromClient(ByteBuf in) {
        if (paused) {
            deferred = append(deferred, in);
            return;
        }
        if (held != null) {
            in = append(held, in);
            held = null;
        }
        BackendConnection backend = pipeline.streamEndpoint();
        int i = in.readerIndex();
        int end = in.writerIndex();
        int forwardFrom = i;
        while (i < end) {
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, end - i);
                i += n;
                payloadLeft -= n;
                continue;
            }
            int avail = end - i;
            if (avail < 4) {
                holdTail(in, forwardFrom, i, backend);
                return;
            }
            int len = in.getUnsignedMediumLE(i);
            int seq = in.getUnsignedByte(i + 3);
            if (!inLocalInfile && backend.tracker().takeLocalInfileRequest()) {
                inLocalInfile = true;
            }
            if (inLocalInfile) {
                // File contents: sequence numbers wrap past 0 here, so they say nothing; an empty packet ends it.
                if (len == 0) {
                    inLocalInfile = false;
                }
            } else if (tooLarge(len)) {
                // Nothing of the oversized part is forwarded; the backend connection is closed with the session.
                forward(in, forwardFrom, i, backend);
                in.release();
                session.packetTooLarge(seq, commandSize);
                return;
            } else if (seq == 0 && !continuation) {
                if (len == 0) {
                    in.release();
                    protocolError("command packet length: 0 (expected: at least the command byte)");
                    return;
                }
                if (avail < 5) {
                    holdTail(in, forwardFrom, i, backend);
                    return;
                }
                int cmd = in.getUnsignedByte(i + 4);
                if (!backend.tracker().busy() && !router.serverStillFits()) {
                    forward(in, forwardFrom, i, backend);
                    in.release();
                    router.serverNoLongerFits();
                    return;
                }
                if (cmd == Commands.COM_CHANGE_USER && len > MAX_INTERCEPT) {
                    // Never forwarded: the backend would authenticate the client past every check of ours.
                    forward(in, forwardFrom, i, backend);
                    in.release();
                    protocolError("COM_CHANGE_USER length: " + len + " (expected: at most " + MAX_INTERCEPT + ")");
                    return;
                }
                if (mayIntercept(cmd, in, i + 5, end) && len <= MAX_INTERCEPT) {
                    if (avail < 4 + len) {
                        holdTail(in, forwardFrom, i, backend);
                        return;
                    }
                    ByteBuf packet = in.retainedSlice(i, 4 + len);
                    if (isIntercepted(cmd, packet)) {
                        forward(in, forwardFrom, i, backend);
                        int after = i + 4 + len;
                        deferred = after < end ? in.retainedSlice(after, end - after) : null;
                        in.release();
                        pause();
                        if (backend.tracker().busy()) {
                            waitingCommand = packet;     // answered once the replies before it are complete
                        } else {
                            answer(packet);
                        }
                        return;
                    }
                    packet.release();
                }
                if (cmd != Commands.COM_STMT_CLOSE && cmd != Commands.COM_STMT_SEND_LONG_DATA) {
                    backend.tracker().expect(cmd);
                }
                session.service().countQuery();
            }
            continuation = len == Packets.MAX_PAYLOAD;
            payloadLeft = len;
            i += 4;
        }
        if (forwardFrom == in.readerIndex()) {
            backend.write(in);             // the usual case: the whole chunk goes on as it is, no slice
        } else {
            forward(in, forwardFrom, end, backend);
            in.release();
        }
    }

    /** Adds a packet of {@code len} payload bytes to the current command; true when it passes the limit. */
    private boolean tooLarge(int len) {
        commandSize = continuation ? commandSize + len : len;
        return commandSize > session.maxPacketSize();
    }

    /** Called after each batch of backend bytes: a held command may now be answered. */
    void afterBackendRead() {
        if (waitingCommand != null && !pipeline.streamEndpoint().tracker().busy()) {
            ByteBuf packet = waitingCommand;
            waitingCommand = null;
            answer(packet);
        }
    }

    private void holdTail(ByteBuf in, int forwardFrom, int at, BackendConnection backend) {
        forward(in, forwardFrom, at, backend);
        held = in.retainedSlice(at, in.writerIndex() - at);
        in.release();
    }

    /** Writes {@code in[from, to)} to the backend without copying; {@code in} keeps its own reference. */
    private static void forward(ByteBuf in, int from, int to, BackendConnection backend) {
        if (to > from) {
            backend.write(in.retainedSlice(from, to - from));
        }
    }

    private static boolean mayIntercept(int cmd, ByteBuf in, int at, int end) {
        return switch (cmd) {
            case Commands.COM_QUIT, Commands.COM_PROCESS_KILL, Commands.COM_CHANGE_USER -> true;
            case Commands.COM_QUERY -> KillStatement.mayBeKill(in, at, end);
            default -> false;
        };
    }

    private boolean isIntercepted(int cmd, ByteBuf packet) {
        if (cmd != Commands.COM_QUERY) {
            return true;
        }
        KillStatement kill = KillStatement.parse(packet, packet.readerIndex() + 5, packet.writerIndex());
        return kill != null && session.proxy().registry().get(kill.id()) != null;
    }

    private void pause() {
        paused = true;
        session.blockReads(ClientSession.ANSWERING, true);
    }

    /** The command Gatehouse answered is done: carry on with what the client sent after it. */
    void resume() {
        paused = false;
        if (!session.isRouting()) {
            release();
            return;
        }
        session.blockReads(ClientSession.ANSWERING, false);
        ByteBuf rest = deferred;
        deferred = null;
        if (rest != null) {
            fromClient(rest);
            pipeline.flushBackends();
        }
    }

    /** Answers a command Gatehouse handles itself; takes ownership of {@code packet}. */
    private void answer(ByteBuf packet) {
        int cmd = packet.getUnsignedByte(packet.readerIndex() + 4);
        if (cmd == Commands.COM_CHANGE_USER) {
            pipeline.changeUser(packet);              // the pipeline resumes this stream when it is done
            return;
        }
        try {
            switch (cmd) {
                case Commands.COM_QUIT -> session.quit();
                case Commands.COM_PROCESS_KILL -> {
                    long target = packet.readableBytes() >= 9 ? packet.getUnsignedIntLE(packet.readerIndex() + 5) : -1;
                    kill(new KillStatement(false, target));
                }
                case Commands.COM_QUERY -> kill(KillStatement.parse(packet, packet.readerIndex() + 5,
                        packet.writerIndex()));
                default -> throw new IllegalStateException("not an answered command: " + cmd);
            }
        } catch (RuntimeException e) {
            LOG.warn("Session {}: bad command {} from the client: {}", session.id(), cmd, e.getMessage());
            protocolError(e.getMessage());
        } finally {
            packet.release();
        }
    }

    private void kill(KillStatement kill) {
        KillRunner.answer(session, kill, this::reply);
    }

    /** Sends our own answer to the client and carries on with what the client sent after the command. */
    private void reply(ByteBuf packet) {
        session.clientChannel().writeAndFlush(packet);
        resume();
    }

    private void protocolError(String why) {
        LOG.warn("Session {} from {} sent a malformed packet: {}; closing it", session.id(), session.remote(), why);
        session.sendErrorAndClose(1, 1835, "08S01", "Malformed packet: " + why);
    }

    private static ByteBuf append(ByteBuf first, ByteBuf second) {
        if (first == null) {
            return second;
        }
        ByteBuf joined = Unpooled.buffer(first.readableBytes() + second.readableBytes());
        joined.writeBytes(first).writeBytes(second);
        first.release();
        second.release();
        return joined;
    }

    void release() {
        if (held != null) {
            held.release();
            held = null;
        }
        if (deferred != null) {
            deferred.release();
            deferred = null;
        }
        if (waitingCommand != null) {
            waitingCommand.release();
            waitingCommand = null;
        }
    }
}
