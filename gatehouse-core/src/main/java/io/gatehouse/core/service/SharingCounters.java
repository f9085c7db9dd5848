package io.gatehouse.core.service;

import io.gatehouse.core.session.PinReason;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A service's connection-sharing figures ({@code idle_session_pool_time}): how many of its sessions are pinned now,
 * by reason, how many hold no backend connection, and how often connections were given back and taken again.
 * Written by the sessions' workers, read by the admin API's thread: atomics only. Holds no buffers.
 */
public final class SharingCounters {
    private final AtomicLongArray pinned = new AtomicLongArray(PinReason.all().length);
    private final AtomicLong pinnedSessions = new AtomicLong();
    private final AtomicLong releasedSessions = new AtomicLong();
    private final AtomicLong releases = new AtomicLong();
    private final AtomicLong restores = new AtomicLong();

    /** A session's pin reasons went from {@code was} to {@code now} (bit masks of {@link PinReason}). */
    public void pins(int was, int now) {
        if (was == now) {
            return;
        }
        for (PinReason r : PinReason.all()) {
            int b = r.bit();
            if ((was & b) != (now & b)) {
                pinned.addAndGet(r.ordinal(), (now & b) != 0 ? 1 : -1);
            }
        }
        if ((was == 0) != (now == 0)) {
            pinnedSessions.addAndGet(now != 0 ? 1 : -1);
        }
    }

    /** A session started or stopped holding no backend connection at all. */
    public void released(boolean nowReleased) {
        releasedSessions.addAndGet(nowReleased ? 1 : -1);
    }

    /** A backend connection was given back by an idle session. */
    public void connectionReleased() {
        releases.incrementAndGet();
    }

    /** A session took a connection again and re-applied its state on it. */
    public void connectionRestored() {
        restores.incrementAndGet();
    }

    /** Sessions pinned now for {@code reason}. */
    public long pinned(PinReason reason) {
        return pinned.get(reason.ordinal());
    }

    /** Sessions pinned now by reason, under each {@link PinReason#label()}, in declaration order. */
    public java.util.Map<String, Long> pinnedByReason() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (PinReason r : PinReason.all()) {
            out.put(r.label(), pinned(r));
        }
        return out;
    }

    /** Sessions pinned now, for whatever reason. */
    public long pinnedSessions() {
        return pinnedSessions.get();
    }

    /** Sessions holding no backend connection now. */
    public long releasedSessions() {
        return releasedSessions.get();
    }

    public long connectionsReleased() {
        return releases.get();
    }

    public long connectionsRestored() {
        return restores.get();
    }
}
