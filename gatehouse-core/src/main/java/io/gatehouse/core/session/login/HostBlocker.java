package io.gatehouse.core.session.login;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blocks client hosts that fail authentication too often ({@code max_auth_errors_until_block}, as MaxScale): after
 * that many failed logins from one address within one block time (60 s unless {@code auth_block_time} says
 * otherwise), new connections from it are refused until the block time has passed. Failures are counted in that
 * window, as MaxScale counts them: a successful login from the host does not wipe them (else one good account
 * would give an attacker unlimited guesses at others). Shared by every worker: a concurrent map of small records,
 * no locks held across calls, no buffers. The limit and block time change at runtime ({@link #settings}, admin
 * thread); workers read them as one volatile record at each decision.
 */
public final class HostBlocker {
    /** {@code firstNanos} starts the window the failures are counted in. */
    private record Failures(int count, long blockedUntilNanos, long firstNanos, long lastNanos) {
    }

    /** Beyond this many tracked hosts, stale entries are dropped: failures from many addresses cannot grow memory. */
    private static final int MAX_HOSTS = 10_000;

    /** {@code limit} 0 disables blocking. */
    private record Settings(int limit, long blockNanos) {
    }

    private volatile Settings settings;
    private final ConcurrentHashMap<String, Failures> hosts = new ConcurrentHashMap<>();

    /** {@code limit} 0 disables blocking. */
    public HostBlocker(int limit, Duration blockTime) {
        settings(limit, blockTime);
    }

    /**
     * New settings for the next decisions. Counts and blocks so far stay; a limit lowered below a host's count blocks
     * it at its next failure.
     */
    public void settings(int limit, Duration blockTime) {
        this.settings = new Settings(limit, blockTime.toNanos());
    }

    /** A blocker that never blocks. */
    public static HostBlocker disabled() {
        return new HostBlocker(0, Duration.ZERO);
    }

    /** True when {@code host} is blocked now; an expired block is lifted and its count starts again. */
    public boolean isBlocked(String host) {
        if (settings.limit() <= 0) {
            return false;
        }
        Failures f = hosts.get(host);
        if (f == null || f.blockedUntilNanos() == 0) {
            return false;
        }
        if (System.nanoTime() - f.blockedUntilNanos() >= 0) {
            hosts.remove(host, f);
            return false;
        }
        return true;
    }

    /** Counts a failed login from {@code host}; returns true when the host is blocked from now on. */
    public boolean failed(String host) {
        Settings s = settings;
        int limit = s.limit();
        long blockNanos = s.blockNanos();
        if (limit <= 0) {
            return false;
        }
        long now = System.nanoTime();
        if (hosts.size() >= MAX_HOSTS) {
            // Counts older than a block time are forgotten, as an expired block is.
            hosts.values().removeIf(f -> now - f.lastNanos() > blockNanos
                    && (f.blockedUntilNanos() == 0 || now - f.blockedUntilNanos() >= 0));
        }
        Failures after = hosts.compute(host, (h, old) -> {
            if (old != null && old.blockedUntilNanos() != 0) {
                return old;
            }
            boolean fresh = old == null || now - old.firstNanos() > blockNanos;
            int n = fresh ? 1 : old.count() + 1;
            return new Failures(n, n >= limit ? blockUntil(blockNanos) : 0, fresh ? now : old.firstNanos(), now);
        });
        return after.blockedUntilNanos() != 0;
    }

    /** How many hosts have a count or a block now. */
    int trackedHosts() {
        return hosts.size();
    }

    private static long blockUntil(long blockNanos) {
        long t = System.nanoTime() + blockNanos;
        return t == 0 ? 1 : t;
    }
}
