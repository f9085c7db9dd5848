package io.gatehouse.core.session.branch;

import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.protocol.ChangeUserRequest;
import io.gatehouse.protocol.ErrPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One COM_CHANGE_USER inside a child session ({@link ServiceEndpoint}): each of its connections, and each of its own
 * child sessions, logs in again as the new user, and the child answers once all have, with the first participant's
 * answer (as the session's own first connection decides). Participants not ready (logging in or busy) and those
 * that answer otherwise are dropped, their router told, so the child is never served by two identities. Confined to
 * the client session's worker thread; it owns each participant's answer until it hands the chosen one on.
 */
final class ChildChangeUser {
    private final Map<Object, ByteBuf> answers = new LinkedHashMap<>();
    private final ByteBufAllocator alloc;
    private final String service;
    private final long sessionId;
    /** Forgets the old user's session state in the child (its SQL state, filters, router). */
    private final Runnable reset;
    private Consumer<ByteBuf> done;

    private ChildChangeUser(ByteBufAllocator alloc, String service, long sessionId, Runnable reset,
                            Consumer<ByteBuf> done) {
        this.alloc = alloc;
        this.service = service;
        this.sessionId = sessionId;
        this.reset = reset;
        this.done = done;
    }

    /**
     * A change whose answer (owned) goes to {@code done}; nothing is sent before {@link #begin}, so the owner can
     * hold it as its change under way before a participant may answer (some answer at once).
     */
    static ChildChangeUser of(ByteBufAllocator alloc, String service, long sessionId, Runnable reset,
                              Consumer<ByteBuf> done) {
        return new ChildChangeUser(alloc, service, sessionId, reset, done);
    }

    /**
     * Starts the change on {@code connections} and {@code children}; the answer goes to {@code done} once all of
     * them answered, at once when there is nothing to change.
     */
    void begin(List<BackendConnection> connections, List<ServiceEndpoint> children, String backendUser,
               ChangeUserRequest req, byte[] sha1) {
        for (BackendConnection b : connections) {
            if (b.isReady() && !b.isBusy()) {
                answers.put(b, null);
            } else if (!b.isClosed()) {
                b.drop("Session " + sessionId + ": connection to " + b.server().name() + " of service '" + service
                        + "' dropped: it was not ready when the session changed user");
            }
        }
        for (ServiceEndpoint e : children) {
            if (e.isReady() && !e.isBusy()) {
                answers.put(e, null);
            } else {
                e.fail(2013, "HY000", "it was not ready when the session changed user");
            }
        }
        if (answers.isEmpty()) {
            handOn(ErrPacket.write(alloc, 1, 2013, "HY000", "Service '" + service
                    + "' has no connection to change the user of"));
            return;
        }
        for (Object o : new ArrayList<>(answers.keySet())) {
            if (done == null) {
                return;                              // the participants asked so far ended it (lost at once)
            }
            if (o instanceof BackendConnection b) {
                b.changeUser(backendUser, req, sha1);
            } else {
                ServiceEndpoint e = (ServiceEndpoint) o;
                e.changeUser(backendUser, req, sha1, answer -> answer(e, answer));
            }
        }
    }

    /** Gives {@code answer} (owned) to the owner; the change is over from then on. */
    private void handOn(ByteBuf answer) {
        Consumer<ByteBuf> to = done;
        done = null;
        to.accept(answer);
    }

    /** True until the answer was handed on. */
    boolean underWay() {
        return done != null;
    }

    /** {@code who} answered ({@code result} owned); the last answer completes the change. */
    void answer(Object who, ByteBuf result) {
        if (done == null || !answers.containsKey(who) || answers.get(who) != null) {
            result.release();
            return;
        }
        answers.put(who, result);
        if (answers.containsValue(null)) {
            return;
        }
        ByteBuf first = null;
        boolean accepted = false;
        List<Object> disagree = new ArrayList<>();
        for (Map.Entry<Object, ByteBuf> e : answers.entrySet()) {
            ByteBuf r = e.getValue();
            boolean ok = r.readableBytes() > 4 && r.getUnsignedByte(r.readerIndex() + 4) == 0x00;
            if (first == null) {
                first = r;
                accepted = ok;
            } else {
                if (ok != accepted) {
                    disagree.add(e.getKey());
                }
                r.release();
            }
        }
        answers.clear();
        String why = "it " + (accepted ? "refused" : "accepted") + " the COM_CHANGE_USER the first one "
                + (accepted ? "accepted" : "refused");
        for (Object d : disagree) {
            if (d instanceof BackendConnection b) {
                b.drop("Session " + sessionId + ": connection to " + b.server().name() + " of service '" + service
                        + "' dropped: " + why);
            } else {
                ((ServiceEndpoint) d).fail(2013, "HY000", why);
            }
        }
        reset.run();
        handOn(first);
    }

    /** {@code who} is gone before it answered: a refusal, so the change does not hang. */
    void lost(Object who, String message) {
        if (done != null && answers.containsKey(who) && answers.get(who) == null) {
            answer(who, ErrPacket.write(alloc, 1, 2013, "HY000", message));
        }
    }

    /** The child closes mid-change: answers are freed and the owner gets an error. */
    void abort() {
        for (ByteBuf r : answers.values()) {
            if (r != null) {
                r.release();
            }
        }
        answers.clear();
        if (done != null) {
            handOn(ErrPacket.write(alloc, 1, 2013, "HY000", "Service '" + service + "' closed while changing user"));
        }
    }
}
