package io.gatehouse.core.session;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.ErrPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing half of a session whose service uses a statement router (readwritesplit): cuts the client's byte
 * stream into whole commands, hands them to the {@link RouterSession} one at a time, and carries backend replies
 * and connection events to it. Implements the context the router works through. Confined to the session's worker
 * thread; owns the client bytes it holds until they form a command, and each command until the router takes it.
 */
final class StatementStream implements RouterSessionContext {
    private static final Logger LOG = LoggerFactory.getLogger(StatementStream.class);
    private static final int MAX_PAYLOAD = 0xFFFFFF;

    private final ClientSession session;
    private final RouterSession router;
    private final List<BackendConnection> endpoints = new ArrayList<>();
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private ByteBuf cumulation;
    private CompositeByteBuf multi;
    private boolean busy;
    private boolean loggedIn;
    private boolean inLocalInfile;
    private BackendConnection lastTarget;
    private List<io.gatehouse.api.filter.FilterSession> filters = List.of();

    StatementStream(ClientSession session, RouterSession router) {
        this.session = session;
        this.router = router;
    }

    void start() {
        List<io.gatehouse.api.filter.FilterSession> chain = new ArrayList<>();
        for (io.gatehouse.api.filter.Filter f : session.service().filters()) {
            chain.add(f.newSession(session.clientInfo()));
        }
        filters = chain;
        router.start(this);
    }

    // Client side.

    /** Bytes from the client; owned here. */
    void fromClient(ByteBuf in) {
        if (cumulation == null) {
            cumulation = in;
        } else {
            ByteBuf joined = session.clientChannel().alloc().buffer(cumulation.readableBytes() + in.readableBytes());
            joined.writeBytes(cumulation).writeBytes(in);
            cumulation.release();
            in.release();
            cumulation = joined;
        }
        while (cumulation != null && cumulation.readableBytes() >= 4) {
            int r = cumulation.readerIndex();
            int len = cumulation.getUnsignedMediumLE(r);
            long size = (multi == null ? 0 : multi.readableBytes() - 4L * multi.numComponents()) + len;
            if (!inLocalInfile && size > session.maxPacketSize()) {
                // Refused from its header: the payload is never buffered, whatever length it claims.
                int seq = cumulation.getUnsignedByte(r + 3);
                cumulation.release();
                cumulation = null;
                session.packetTooLarge(seq, size);
                return;
            }
            if (cumulation.readableBytes() < 4 + len) {
                break;
            }
            ByteBuf packet = cumulation.readRetainedSlice(4 + len);
            if (!cumulation.isReadable()) {
                cumulation.release();
                cumulation = null;
            }
            onPacket(packet, len);
        }
    }

    private void onPacket(ByteBuf packet, int len) {
        if (!inLocalInfile && lastTarget != null && lastTarget.tracker() != null
                && lastTarget.tracker().takeLocalInfileRequest()) {
            inLocalInfile = true;
        }
        if (inLocalInfile) {
            // The file's contents go to the server that asked for it; an empty packet ends them.
            if (len == 0) {
                inLocalInfile = false;
            }
            lastTarget.channel().writeAndFlush(packet, lastTarget.channel().voidPromise());
            return;
        }
        if (multi != null || len == MAX_PAYLOAD) {
            // A command of 16 MiB or more arrives as several packets; the router gets them together.
            if (multi == null) {
                multi = session.clientChannel().alloc().compositeBuffer(Integer.MAX_VALUE);
            }
            multi.addComponent(true, packet);
            if (len == MAX_PAYLOAD) {
                return;
            }
            packet = multi;
            multi = null;
        }
        if (busy) {
            queued.addLast(packet);
            return;
        }
        dispatch(packet);
    }

    private void dispatch(ByteBuf packet) {
        int cmd = packet.readableBytes() > 4 ? packet.getUnsignedByte(packet.readerIndex() + 4) : -1;
        if (cmd < 0) {
            packet.release();
            session.sendErrorAndClose(1, 1835, "08S01", "Malformed packet: command packet length: 0"
                    + " (expected: at least the command byte)");
            return;
        }
        if (cmd == 0x01) {                         // COM_QUIT
            packet.release();
            session.close();
            return;
        }
        KillStatement kill = killOf(packet, cmd);
        if (kill != null) {                        // KILL of a Gatehouse session id: answered here
            packet.release();
            busy = true;
            KillRunner.answer(session, kill, answer -> {
                session.clientChannel().writeAndFlush(answer);
                commandDone();
            });
            return;
        }
        if (cmd == 0x11) {                         // COM_CHANGE_USER: every connection logs in again
            busy = true;
            changeUser(packet);
            return;
        }
        busy = cmd != 0x18 && cmd != 0x19;         // SEND_LONG_DATA and STMT_CLOSE get no reply
        session.service().countQuery();
        if (filters.isEmpty()) {
            router.routeQuery(packet, cmd);
            return;
        }
        for (io.gatehouse.api.filter.FilterSession f : filters) {
            ByteBuf replaced = f.rewriteQuery(packet, cmd, session.clientChannel().alloc());
            if (replaced != null && replaced != packet) {
                packet.release();
                packet = replaced;
            }
        }
        List<io.gatehouse.api.filter.RouteHint> hints = new ArrayList<>();
        for (io.gatehouse.api.filter.FilterSession f : filters) {
            hints.addAll(f.routeQuery(packet, cmd));
        }
        router.routeQuery(packet, cmd, hints);
    }

    @Override
    public void commandDone() {
        busy = false;
        while (!busy && !queued.isEmpty() && session.isRouting()) {
            dispatch(queued.pollFirst());
        }
    }

    private final java.util.Map<BackendConnection, ByteBuf> changeResults = new java.util.LinkedHashMap<>();
    private int changesPending;
    /** The sequence number of the answer to the COM_CHANGE_USER being carried out. */
    private int changeUserSeq = 1;

    private void changeUser(ByteBuf packet) {
        io.gatehouse.protocol.ChangeUserRequest req;
        try {
            ByteBuf payload = packet.slice(packet.readerIndex() + 4, packet.readableBytes() - 4);
            req = io.gatehouse.protocol.ChangeUserRequest.decode(payload, session.clientCapabilities());
        } catch (RuntimeException e) {
            session.sendErrorAndClose(1, 1835, "08S01", "Malformed packet: COM_CHANGE_USER: " + e.getMessage());
            return;
        } finally {
            packet.release();
        }
        new ChangeUserLogin(session, req, (r, backendUser, seq) -> {
            if (!r.ok()) {
                clientError(seq, r.errorCode(), r.sqlState(), r.message());
                commandDone();
                return;
            }
            session.user(req.user(), backendUser, r);
            List<BackendConnection> ready = new ArrayList<>();
            for (BackendConnection b : endpoints) {
                if (b.isReady()) {
                    ready.add(b);
                }
            }
            changeUserSeq = seq;
            changesPending = ready.size();
            changeResults.clear();
            for (BackendConnection b : ready) {
                changeResults.put(b, null);
                b.changeUser(backendUser, req, r.passwordSha1());
            }
            if (changesPending == 0) {
                fail(2013, "HY000", "No backend connection to change the user of");
            }
        }).start();
    }

    /** One connection finished COM_CHANGE_USER; {@code result} (owned) is its OK or ERR packet. */
    void changeUserDone(BackendConnection b, ByteBuf result) {
        if (!changeResults.containsKey(b) || changeResults.get(b) != null) {
            result.release();
            return;
        }
        changeResults.put(b, result);
        if (--changesPending > 0) {
            return;
        }
        // The client sees the first connection's answer (the primary's, which the router opened first).
        ByteBuf answer = null;
        for (ByteBuf r : changeResults.values()) {
            if (answer == null) {
                answer = r;
            } else {
                r.release();
            }
        }
        changeResults.clear();
        router.sessionReset();
        answer.setByte(answer.readerIndex() + 3, changeUserSeq);
        session.clientChannel().writeAndFlush(answer);
        commandDone();
    }

    /** COM_PROCESS_KILL, or a KILL statement naming a Gatehouse session; null for anything else. */
    private KillStatement killOf(ByteBuf packet, int cmd) {
        int from = packet.readerIndex() + 5;
        if (cmd == 0x0C) {
            return new KillStatement(false, packet.readableBytes() >= 9 ? packet.getUnsignedIntLE(from) : -1);
        }
        if (cmd != 0x03 || !KillStatement.mayBeKill(packet, from, packet.writerIndex())) {
            return null;
        }
        KillStatement k = KillStatement.parse(packet, from, packet.writerIndex());
        return k != null && session.proxy().registry().get(k.id()) != null ? k : null;
    }

    /** The connections with a statement running, for KILL QUERY. */
    List<BackendConnection> busyEndpoints() {
        List<BackendConnection> out = new ArrayList<>();
        for (BackendConnection b : endpoints) {
            if (b.isBusy()) {
                out.add(b);
            }
        }
        return out;
    }

    void wroteTo(BackendConnection b) {
        lastTarget = b;
    }

    // Backend side.

    void fromBackend(BackendConnection b, ByteBuf buf, Reply reply) {
        if (reply != null) {
            for (io.gatehouse.api.filter.FilterSession f : filters) {
                f.clientReply(reply);
            }
        }
        router.clientReply(b, buf, reply);
    }

    void endpointReady(BackendConnection b, ByteBuf ok) {
        router.endpointReady(b, ok);
    }

    void endpointClosed(BackendConnection b, int code, String sqlState, String message) {
        endpoints.remove(b);
        router.endpointFailed(b, code, sqlState, message);
    }

    void readComplete() {
        session.clientChannel().flush();
    }

    // RouterSessionContext.

    @Override
    public List<ServerView> targets() {
        return java.util.Collections.unmodifiableList(session.service().targets());
    }

    @Override
    public Endpoint connect(ServerView server) {
        BackendConnection b = session.openBackend((Server) server, this);
        endpoints.add(b);
        return b;
    }

    @Override
    public void clientWrite(ByteBuf buf) {
        session.clientChannel().write(buf, session.clientChannel().voidPromise());
    }

    @Override
    public void clientError(int sequence, int code, String sqlState, String message) {
        session.clientChannel().writeAndFlush(ErrPacket.write(alloc(), sequence, code, sqlState, message));
    }

    @Override
    public void loginDone(ByteBuf okPacket) {
        if (loggedIn) {
            okPacket.release();
            return;
        }
        loggedIn = true;
        session.statementLoginDone(okPacket);
    }

    @Override
    public void fail(int code, String sqlState, String message) {
        LOG.warn("{}: session {} ends: {}", session.service().name(), session.id(), message);
        session.sendErrorAndClose(loggedIn ? 1 : session.nextSequence(), code, sqlState, message);
    }

    @Override
    public ByteBufAllocator alloc() {
        return session.clientChannel().alloc();
    }

    @Override
    public ClientInfo client() {
        return session.clientInfo();
    }

    @Override
    public long clientCapabilities() {
        return session.clientCapabilities();
    }

    void release() {
        for (ByteBuf r : changeResults.values()) {
            if (r != null) {
                r.release();
            }
        }
        changeResults.clear();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (multi != null) {
            multi.release();
            multi = null;
        }
        while (!queued.isEmpty()) {
            queued.pollFirst().release();
        }
        router.close();
        for (io.gatehouse.api.filter.FilterSession f : filters) {
            f.close();
        }
        filters = List.of();
        for (BackendConnection b : new ArrayList<>(endpoints)) {
            b.quit();
        }
        endpoints.clear();
    }
}
