package io.gatehouse.core.session.backend;

import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.Capabilities;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-worker pools of idle backend connections kept for reuse ({@code persistpoolmax}, {@code persistmaxtime}),
 * keyed by server and by the client capabilities the connection was opened with, since packet formats depend on
 * them. Every router's sessions take from it and give back to it. Each worker sees only its own pools (a
 * thread-local on the event loop), so nothing is shared or locked. Pooled connections hold no buffers.
 */
public final class BackendPool {
    /** Capabilities that do not change how the connection talks once logged in. */
    private static final long IRRELEVANT = Capabilities.CONNECT_WITH_DB | Capabilities.CONNECT_ATTRS
            | BackendConnection.NEVER;

    private record Key(Server server, long capabilities) {
    }

    private final FastThreadLocal<Map<Key, ArrayDeque<BackendConnection>>> pools = new FastThreadLocal<>() {
        @Override
        protected Map<Key, ArrayDeque<BackendConnection>> initialValue() {
            return new HashMap<>();
        }
    };

    private static Key key(Server s, long clientCaps) {
        return new Key(s, clientCaps & ~IRRELEVANT);
    }

    /** The idle connections pooled on the calling worker (each an open socket to a server). */
    public int idleHere() {
        int n = 0;
        for (ArrayDeque<BackendConnection> q : pools.get().values()) {
            n += q.size();
        }
        return n;
    }

    /** An idle connection to {@code server} made for clients with these capabilities, or null. */
    public BackendConnection take(Server server, long clientCaps) {
        if (server.persistPoolMax() <= 0) {
            return null;
        }
        ArrayDeque<BackendConnection> q = pools.get().get(key(server, clientCaps));
        if (q == null) {
            return null;
        }
        long maxIdle = server.persistMaxTime().toNanos();
        java.util.Iterator<BackendConnection> it = q.descendingIterator();
        while (it.hasNext()) {
            BackendConnection b = it.next();
            if (b.isResetting()) {
                continue;                  // still being reset for its previous session: not usable yet
            }
            it.remove();
            if (b.isPooledAndAlive() && (maxIdle == 0 || System.nanoTime() - b.idleSinceNanos() < maxIdle)) {
                return b;
            }
            b.quit();
        }
        return null;
    }

    /**
     * Keeps {@code b} for reuse when its server allows, and parks it (which resets it on the server); false when it
     * should be closed instead.
     */
    public boolean offer(BackendConnection b, long clientCaps) {
        Server s = b.server();
        int max = s.persistPoolMax();
        if (max <= 0 || s.routingSlots().hasWaiters()) {
            return false;                              // a session waits for a slot of this server: free it
        }
        ArrayDeque<BackendConnection> q = pools.get().computeIfAbsent(key(s, clientCaps), k -> new ArrayDeque<>());
        int total = 0;
        for (Map.Entry<Key, ArrayDeque<BackendConnection>> e : pools.get().entrySet()) {
            if (e.getKey().server() == s) {
                total += e.getValue().size();
            }
        }
        if (total >= max) {
            return false;
        }
        q.addLast(b);
        b.park(this);
        return true;
    }

    /**
     * Closes this worker's idle pooled connections to {@code server}, giving their routing slots to the sessions
     * waiting for one; called on the worker's own loop.
     */
    public void shed(Server server) {
        for (Map.Entry<Key, ArrayDeque<BackendConnection>> e : pools.get().entrySet()) {
            if (e.getKey().server() != server) {
                continue;
            }
            java.util.Iterator<BackendConnection> it = e.getValue().iterator();
            while (it.hasNext()) {
                BackendConnection b = it.next();
                if (!b.isResetting()) {
                    it.remove();
                    b.quit();
                }
            }
        }
    }

    /** Forgets a pooled connection that closed. */
    void remove(BackendConnection b, long clientCaps) {
        ArrayDeque<BackendConnection> q = pools.get().get(key(b.server(), clientCaps));
        if (q != null) {
            q.remove(b);
        }
    }
}
