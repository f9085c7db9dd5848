package io.gatehouse.core.users;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one service's user-account snapshot fresh: loads it from the backends on its own named thread at start,
 * every {@code users_refresh_interval} (with jitter), and on demand after a failed login, at most once per
 * {@code users_refresh_time}. Workers read {@link #snapshot()} (a volatile immutable object) and never wait for a
 * load. With {@code auth_all_servers} the accounts of every reachable target are merged; with
 * {@code skip_name_resolve=false} the host names of accounts are looked up here, never on a worker. Holds no buffers.
 */
public final class UserAccountStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UserAccountStore.class);

    private final String service;
    private final Params serviceParams;
    private final List<Server> targets;
    private final Duration refreshTime;
    private final Duration refreshInterval;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    /** {@code skip_name_resolve}: when false, host-name accounts are resolved at each load. */
    private final boolean skipNameResolve;
    private final ScheduledExecutorService thread;
    private volatile UserAccounts snapshot = UserAccounts.EMPTY;
    private volatile long lastLoadStartNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private CompletableFuture<Void> running;

    public UserAccountStore(String service, Params serviceParams, List<Server> targets, Params global) {
        this.service = service;
        this.serviceParams = serviceParams;
        this.targets = targets;
        this.refreshTime = global.duration("users_refresh_time");
        this.refreshInterval = global.duration("users_refresh_interval");
        this.connectTimeout = global.duration("auth_connect_timeout");
        this.readTimeout = global.duration("auth_read_timeout");
        this.writeTimeout = global.duration("auth_write_timeout");
        this.skipNameResolve = global.bool("skip_name_resolve");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-users-" + service);
            t.setDaemon(true);
            return t;
        });
    }

    /** The latest snapshot; never null. */
    public UserAccounts snapshot() {
        return snapshot;
    }

    /** Loads once now (waiting up to the read timeout) and schedules periodic reloads. */
    public void start() {
        try {
            refresh(true).get(connectTimeout.plus(readTimeout).toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("{}: user accounts not loaded at start ({}); logins will retry the load", service, e.toString());
        }
        if (!refreshInterval.isZero()) {
            long ms = refreshInterval.toMillis();
            long jitter = Math.max(1, ms / 10);
            thread.scheduleWithFixedDelay(() -> refresh(true), ms + ThreadLocalRandom.current().nextLong(jitter),
                    ms, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Asks for a reload; {@code force} ignores {@code users_refresh_time}. Completes when the load (or the decision
     * not to load) is done; never completes exceptionally. Callable from any thread.
     */
    public synchronized CompletableFuture<Void> refresh(boolean force) {
        if (running != null && !running.isDone()) {
            return running;
        }
        long now = System.nanoTime();
        if (!force && now - lastLoadStartNanos < refreshTime.toNanos()) {
            return CompletableFuture.completedFuture(null);
        }
        lastLoadStartNanos = now;
        running = CompletableFuture.runAsync(this::loadNow, thread);
        return running;
    }

    private void loadNow() {
        List<String> errors = new ArrayList<>();
        // The primary's accounts are the authoritative ones; then any running server.
        List<Server> order = new ArrayList<>(targets);
        order.sort((a, b) -> Boolean.compare(ServerStatus.has(b.status(), ServerStatus.MASTER),
                ServerStatus.has(a.status(), ServerStatus.MASTER)));
        // auth_all_servers: every reachable server's accounts, merged; otherwise the first server that answers.
        // A schemarouter's servers each hold other databases, so (as in MaxScale 24.02) it always merges them all.
        boolean all = serviceParams.has("auth_all_servers") && serviceParams.bool("auth_all_servers")
                || "schemarouter".equalsIgnoreCase(serviceParams.string("router"));
        List<UserAccounts> loaded = new ArrayList<>();
        List<String> from = new ArrayList<>();
        for (Server s : order) {
            if (!ServerStatus.has(s.status(), ServerStatus.RUNNING) && s.isMonitored()) {
                continue;
            }
            try {
                loaded.add(UserAccountLoader.load(s, serviceParams.string("user"), serviceParams.string("password"),
                        connectTimeout, readTimeout, writeTimeout));
                from.add(s.name());
                if (!all) {
                    break;
                }
            } catch (Exception e) {
                errors.add(s.name() + ": " + e.getMessage());
            }
        }
        if (loaded.isEmpty()) {
            LOG.warn("{}: could not load user accounts from any server: {}", service, errors);
            return;
        }
        UserAccounts merged = UserAccounts.union(loaded);
        if (!skipNameResolve) {
            // The DNS lookups happen here, on the loader thread; workers only read the result.
            merged = merged.withHostNames(HostNames.resolve(merged.accounts()));
        }
        snapshot = merged;
        LOG.info("{}: loaded {} user accounts from {}", service, merged.size(), String.join(", ", from));
        if (!errors.isEmpty()) {
            LOG.warn("{}: user accounts not loaded from {}", service, errors);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
