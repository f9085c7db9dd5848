package io.gatehouse.core.session;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every live client session by the connection id Gatehouse gave it, for KILL and the admin API. Thread-safe
 * (concurrent map); workers add and remove their own sessions. Holds no buffers.
 *
 * <p>Ids start at 1, as MaxScale's do, because operators' scripts and the admin API's users expect small session
 * numbers. A KILL naming a live session's id therefore ends that session even when some backend thread has the
 * same number (MaxScale resolves it the same way); a KILL naming an id no live session has is passed to the
 * backend unchanged, as the client meant it.
 */
public final class SessionRegistry {
    static final long FIRST_ID = 1;

    private final ConcurrentHashMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(FIRST_ID);

    long newId() {
        while (true) {
            long id = nextId.getAndIncrement();
            if (id > 0xFFFF_FFFFL) {
                // The handshake carries 4 bytes; wrap around rather than overflow.
                nextId.compareAndSet(id + 1, FIRST_ID);
                continue;
            }
            // After a wrap, a long-lived session may still hold a small id: never hand it out twice.
            if (!sessions.containsKey(id)) {
                return id;
            }
        }
    }

    void add(ClientSession s) {
        sessions.put(s.id(), s);
    }

    void remove(ClientSession s) {
        sessions.remove(s.id(), s);
    }

    public ClientSession get(long id) {
        return sessions.get(id);
    }

    /** Every live session as its worker last published it, by id; any thread. */
    public List<SessionSnapshot> snapshots() {
        List<SessionSnapshot> out = new java.util.ArrayList<>();
        for (ClientSession s : sessions.values()) {
            out.add(s.snapshot());
        }
        out.sort(java.util.Comparator.comparingLong(SessionSnapshot::id));
        return out;
    }

    /** The session with this id as last published, or null; any thread. */
    public SessionSnapshot snapshot(long id) {
        ClientSession s = sessions.get(id);
        return s == null ? null : s.snapshot();
    }

    /** Ends the session with this id from any thread; false when there is none. */
    public boolean close(long id) {
        ClientSession s = sessions.get(id);
        if (s == null) {
            return false;
        }
        s.closeFromAnyThread();
        return true;
    }

    /**
     * Closes every session's connections to the server named {@code server} (maintenance with force), each on its
     * session's worker: the routers hear of them as lost connections, so readwritesplit goes on without a replica (or
     * as {@code master_failure_mode} says without its primary) and readconnroute ends the sessions. Any thread.
     */
    public void closeConnectionsTo(String server, String why) {
        for (ClientSession s : sessions.values()) {
            if (s.clientChannel() == null) {
                continue;
            }
            io.gatehouse.core.worker.ChannelLoop.run(s.clientChannel(), () -> {
                for (io.gatehouse.core.session.backend.BackendConnection b : new java.util.ArrayList<>(s.backends())) {
                    if (b.server().name().equals(server)) {
                        b.drop(why);
                    }
                }
            });
        }
    }

    /** Turns the trace of the session with this id on or off from any thread; false when there is none. */
    public boolean trace(long id, boolean on) {
        ClientSession s = sessions.get(id);
        if (s == null) {
            return false;
        }
        s.trace().set(on);
        return true;
    }

    /** Whether the session with this id is traced, or null when there is none; any thread. */
    public Boolean tracing(long id) {
        ClientSession s = sessions.get(id);
        return s == null ? null : s.trace().on();
    }

    /** The traced statements of the session with this id (oldest first; empty when there is none); any thread. */
    public List<SessionSnapshot.TraceEntry> traceEntries(long id) {
        ClientSession s = sessions.get(id);
        return s == null ? List.of() : s.trace().entries();
    }

    /**
     * What a restart request came to: {@code found} false when there is no such session, else {@code refusal} is
     * MaxScale's reason it cannot be restarted, or null when it will be.
     */
    public record RestartAnswer(boolean found, String refusal) {
    }

    /**
     * Restarts the session with this id at its next quiet point, with {@code filters} (null: its service's chain);
     * any thread (see {@link ClientSession#restartFromAnyThread}).
     */
    public RestartAnswer restart(long id, List<io.gatehouse.api.filter.Filter> filters) {
        ClientSession s = sessions.get(id);
        if (s == null) {
            return new RestartAnswer(false, null);
        }
        String refusal = s.restartRefusal();
        if (refusal == null) {
            s.restartFromAnyThread(filters);
        }
        return new RestartAnswer(true, refusal);
    }

    /** Restarts every session that can be; returns why the others cannot, one line each naming the session. */
    public List<String> restartAll() {
        List<String> refused = new java.util.ArrayList<>();
        for (ClientSession s : sessions.values()) {
            String refusal = s.restartRefusal();
            if (refusal == null) {
                s.restartFromAnyThread(null);
            } else {
                refused.add("session " + s.id() + ": " + refusal);
            }
        }
        return refused;
    }

    /** The filters of the session with this id now, in order (empty when there is none); any thread. */
    public List<io.gatehouse.api.filter.Filter> filters(long id) {
        ClientSession s = sessions.get(id);
        return s == null ? List.of() : s.filters();
    }

    public Collection<ClientSession> all() {
        return sessions.values();
    }

    public int size() {
        return sessions.size();
    }
}
