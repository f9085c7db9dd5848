package io.gatehouse.core.session;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An estimate of the memory one client session holds ({@code attributes.memory} of {@code GET /v1/sessions/:id},
 * and its worker's {@code memory.sessions}), measured on the session's worker, which owns everything counted. It
 * counts the bytes of data the session keeps, not the Java objects around them:
 * <ul>
 * <li>client {@code readq}: client bytes not routed yet (a command still arriving, commands waiting their turn, the
 * login's bytes); {@code writeq}: bytes written to the client that its socket has not taken;</li>
 * <li>per backend server, {@code readq}: bytes read from it and held (a cut packet's start, login bytes);
 * {@code writeq}: bytes written to it not yet sent;</li>
 * <li>{@code sescmd_history}: the session-state commands kept to re-apply on another connection (connection
 * sharing's history, with prepared statements' parameter types);</li>
 * <li>{@code last_queries}: the characters of the statements {@code retain_last_statements} keeps;</li>
 * <li>{@code exec_metadata}: the prepared-statement texts kept for the statement statistics.</li>
 * </ul>
 * State a router or filter keeps privately (readwritesplit's own session command history, a cache filter's
 * entries) and Netty's per-channel bookkeeping are not counted. Filled on the worker; immutable once handed out.
 */
public final class SessionMemory {
    /** One server's connection buffers; several connections to one server add up. */
    public record Buffers(long readq, long writeq) {
        public long total() {
            return readq + writeq;
        }
    }

    /** A session's memory and its {@code io_activity}: read events of its client and backend connections. */
    public record Measured(SessionMemory memory, long ioActivity) {
    }

    private long clientReadq;
    private long clientWriteq;
    private final Map<String, Buffers> backends = new LinkedHashMap<>();
    private long sescmdHistory;
    private long lastQueries;
    private long execMetadata;

    private SessionMemory() {
    }

    /** Measures {@code s}; on its worker. */
    public static SessionMemory of(ClientSession s) {
        SessionMemory m = new SessionMemory();
        m.clientReadq = s.framer.bufferedBytes();
        m.clientWriteq = s.pendingClientBytes();
        m.lastQueries = s.statements().bytes();
        s.routing().measure(m);
        return m;
    }

    /**
     * Measures every session of {@code sessions} on its own worker (one task per worker) and waits up to
     * {@code timeoutMillis} for all; a session that ended or whose worker did not answer in time is left out. Any
     * thread but a worker's.
     */
    public static Map<Long, Measured> collect(Collection<ClientSession> sessions, long timeoutMillis) {
        Map<EventLoop, List<ClientSession>> byLoop = new IdentityHashMap<>();
        for (ClientSession s : sessions) {
            Channel c = s.clientChannel();
            if (c != null && c.isOpen()) {
                byLoop.computeIfAbsent(c.eventLoop(), l -> new ArrayList<>()).add(s);
            }
        }
        List<Promise<Map<Long, Measured>>> answers = new ArrayList<>();
        for (Map.Entry<EventLoop, List<ClientSession>> e : byLoop.entrySet()) {
            Promise<Map<Long, Measured>> p = e.getKey().newPromise();
            e.getKey().execute(() -> p.trySuccess(measureOn(e.getKey(), e.getValue())));
            answers.add(p);
        }
        Map<Long, Measured> out = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Promise<Map<Long, Measured>> p : answers) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (p.awaitUninterruptibly(left, TimeUnit.NANOSECONDS) && p.isSuccess()) {
                out.putAll(p.getNow());
            }
        }
        return out;
    }

    /** The sessions of {@code sessions} still on {@code loop} (the calling worker), measured. */
    static Map<Long, Measured> measureOn(EventLoop loop, List<ClientSession> sessions) {
        Map<Long, Measured> out = new HashMap<>();
        for (ClientSession s : sessions) {
            Channel c = s.clientChannel();
            // A session moved to another worker meanwhile is that worker's to read; one that ended holds nothing.
            if (c != null && c.eventLoop() == loop && c.isRegistered() && !s.isClosedOrClosing()) {
                out.put(s.id(), new Measured(of(s), s.ioEvents()));
            }
        }
        return out;
    }

    /** The open sockets of {@code s}: its client's and its backend connections'; on its worker. */
    public static int openChannels(ClientSession s) {
        Channel c = s.clientChannel();
        int n = c != null && c.isOpen() ? 1 : 0;
        for (io.gatehouse.core.session.backend.BackendConnection b : s.backends()) {
            Channel bc = b.channel();
            if (bc != null && bc.isOpen()) {
                n++;
            }
        }
        return n;
    }

    /** Adds client bytes not routed yet; called by the pipeline while measuring. */
    public void clientReadq(long bytes) {
        clientReadq += bytes;
    }

    /** Adds kept session-state commands; called by the pipeline while measuring. */
    public void sescmdHistory(long bytes) {
        sescmdHistory += bytes;
    }

    /** Adds one backend connection's buffers; called by the pipeline while measuring. */
    public void backend(String server, long readq, long writeq) {
        backends.merge(server, new Buffers(readq, writeq),
                (a, b) -> new Buffers(a.readq() + b.readq(), a.writeq() + b.writeq()));
    }

    /** Adds prepared-statement metadata; called by the pipeline while measuring. */
    public void execMetadata(long bytes) {
        execMetadata += bytes;
    }

    public Buffers client() {
        return new Buffers(clientReadq, clientWriteq);
    }

    /** The backend servers' buffers by server name, in the order the connections were opened. */
    public Map<String, Buffers> backends() {
        return java.util.Collections.unmodifiableMap(backends);
    }

    /** The client's and all backends' buffers. */
    public long connectionBuffers() {
        long n = clientReadq + clientWriteq;
        for (Buffers b : backends.values()) {
            n += b.total();
        }
        return n;
    }

    public long sescmdHistory() {
        return sescmdHistory;
    }

    public long lastQueries() {
        return lastQueries;
    }

    public long execMetadata() {
        return execMetadata;
    }

    public long total() {
        return connectionBuffers() + sescmdHistory + lastQueries + execMetadata;
    }
}
