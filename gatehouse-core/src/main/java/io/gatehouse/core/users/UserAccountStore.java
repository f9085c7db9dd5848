package io.gatehouse.core.users;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one service's user-account snapshot fresh: loads it from the backends on its own named thread at start,
 * every {@code users_refresh_interval} (with jitter), for a login that would be refused by a snapshot loaded before
 * the login began ({@link #freshSince}, not limited by {@code users_refresh_time}: a refusal must not come from
 * accounts older than the client's attempt), and after a backend refused a login Gatehouse accepted, at most once
 * per {@code users_refresh_time} ({@link #refresh}). One load runs at a time, and a load begins at least
 * {@link #MIN_LOAD_GAP} after the previous one began, so that a flood of logins with unknown users cannot make the
 * backends serve account loads back to back; logins waiting for a newer snapshot share the next one. Workers read {@link #snapshot()} (a volatile immutable object) and never block on a load. With
 * {@code auth_all_servers} the accounts of every reachable target are merged; with {@code skip_name_resolve=false}
 * the host names of accounts are looked up here, never on a worker. Holds no buffers.
 */
public final class UserAccountStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UserAccountStore.class);
    /**
     * The least time between the starts of two loads, whatever asks for them: short enough that an account made a
     * moment ago logs in after a wait a person does not notice, long enough that misses cannot flood the backends.
     */
    static final Duration MIN_LOAD_GAP = Duration.ofSeconds(1);

    private final String service;
    private final Params serviceParams;
    /** The service's {@code user} and {@code password}; replaced when they are altered at runtime. */
    private volatile String[] credentials;
    private final List<Server> targets;
    /**
     * The global parameters a load and the refresh pacing read: replaced as a whole by a runtime change
     * ({@link #global}) and read once per decision, so that one load never mixes old and new values.
     * {@code skipNameResolve}: when false, host-name accounts are resolved at each load. {@code queryRetries} and
     * {@code queryRetryTimeout}: how often, and for how long, a load cut by the network is tried again.
     */
    private record Settings(Duration refreshTime, Duration refreshInterval, Duration connectTimeout,
                            Duration readTimeout, Duration writeTimeout, boolean skipNameResolve, int queryRetries,
                            Duration queryRetryTimeout) {
        static Settings of(Params global) {
            return new Settings(global.duration("users_refresh_time"), global.duration("users_refresh_interval"),
                    global.duration("auth_connect_timeout"), global.duration("auth_read_timeout"),
                    global.duration("auth_write_timeout"), global.bool("skip_name_resolve"),
                    global.has("query_retries") ? (int) Math.min(global.integer("query_retries"), 100) : 1,
                    global.has("query_retry_timeout") ? global.duration("query_retry_timeout") : Duration.ofSeconds(10));
        }
    }

    private volatile Settings settings;
    /** The periodic reload ({@code users_refresh_interval}), or null; guarded by this. */
    private java.util.concurrent.ScheduledFuture<?> periodic;
    private boolean started;
    private final ScheduledExecutorService thread;
    private volatile UserAccounts snapshot = UserAccounts.EMPTY;
    /** Global variables of the service's first Master (else Slave, else Running) target, for connection_metadata. */
    private volatile Map<String, String> serverVariables = Map.of();
    private static final long VARIABLES_MAX_AGE_NANOS = 60_000_000_000L;
    /** The server the variables were last read from, and when; loader thread only. */
    private String variablesSource;
    private long variablesReadNanos;
    /** {@code user_accounts_file}, or null; read again at each load so that edits apply at the next reload. */
    private final java.nio.file.Path accountsFile;
    /** {@code user_accounts_file_usage=file_only_always}: the servers are never asked. */
    private final boolean fileOnly;
    /** When the load that made {@link #snapshot} began ({@link System#nanoTime}). */
    private volatile long snapshotStartNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private volatile long lastLoadStartNanos = snapshotStartNanos;
    /** The load running now (or the last one), and one submitted behind it that has not begun; guarded by this. */
    private Load current;
    private Load next;

    public UserAccountStore(String service, Params serviceParams, List<Server> targets, Params global) {
        this.service = service;
        this.serviceParams = serviceParams;
        this.credentials = new String[] {serviceParams.string("user"), serviceParams.string("password")};
        this.targets = targets;
        this.settings = Settings.of(global);
        this.accountsFile = serviceParams.has("user_accounts_file")
                ? java.nio.file.Path.of(serviceParams.string("user_accounts_file")) : null;
        this.fileOnly = accountsFile != null && serviceParams.has("user_accounts_file_usage")
                && "file_only_always".equals(serviceParams.string("user_accounts_file_usage"));
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-users-" + service);
            t.setDaemon(true);
            return t;
        });
    }

    /** The server variables read at the last load that reached a server; empty before. Any thread. */
    public Map<String, String> serverVariables() {
        return serverVariables;
    }

    /** The latest snapshot; never null. */
    public UserAccounts snapshot() {
        return snapshot;
    }

    /** Loads once now (waiting up to the read timeout) and schedules periodic reloads. */
    public void start() {
        Settings st = settings;
        try {
            refresh(true).get(st.connectTimeout().plus(st.readTimeout()).toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("{}: user accounts not loaded at start ({}); logins will retry the load", service, e.toString());
        }
        synchronized (this) {
            started = true;
            schedulePeriodic();
        }
    }

    /**
     * Takes changed global parameters (admin thread): the next refresh decision and the next load use them; a new
     * {@code users_refresh_interval} replaces the periodic reload, and a changed {@code skip_name_resolve} reloads
     * now, as the accounts' host names are looked up (or not) only when they load.
     */
    public synchronized void global(Params global) {
        Settings old = settings;
        settings = Settings.of(global);
        if (started && !old.refreshInterval().equals(settings.refreshInterval())) {
            schedulePeriodic();
        }
        if (started && old.skipNameResolve() != settings.skipNameResolve()) {
            refresh(true);
        }
    }

    /** (Re)schedules the periodic reload; with this held. */
    private void schedulePeriodic() {
        if (periodic != null) {
            periodic.cancel(false);
            periodic = null;
        }
        Duration interval = settings.refreshInterval();
        if (!interval.isZero()) {
            long ms = interval.toMillis();
            long jitter = Math.max(1, ms / 10);
            try {
                periodic = thread.scheduleWithFixedDelay(() -> refresh(true),
                        ms + ThreadLocalRandom.current().nextLong(jitter), ms, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                periodic = null;                              // closed
            }
        }
    }

    /**
     * The service's {@code user} and {@code password} as altered at runtime (maxctrl's {@code alter service S user
     * U}); the next load uses them. Returns whether they changed.
     */
    public boolean credentials(String user, String password) {
        String[] now = credentials;
        if (java.util.Objects.equals(now[0], user) && java.util.Objects.equals(now[1], password)) {
            return false;
        }
        credentials = new String[] {user, password};
        return true;
    }

    /**
     * Asks for a reload; {@code force} ignores {@code users_refresh_time}. Completes when the load (or the decision
     * not to load) is done; never completes exceptionally. Callable from any thread.
     */
    public synchronized CompletableFuture<Void> refresh(boolean force) {
        if (next != null) {
            return next.done;
        }
        if (current != null && !current.done.isDone()) {
            return current.done;
        }
        if (!force && System.nanoTime() - lastLoadStartNanos < settings.refreshTime().toNanos()) {
            return CompletableFuture.completedFuture(null);
        }
        return submit();
    }

    /**
     * Completes once a snapshot whose load began at or after {@code sinceNanos} ({@link System#nanoTime}) is
     * published, or a load that began then has failed: at once when the snapshot is that new already, else with the
     * running load if it began late enough, else with the next load (begun as soon as {@link #MIN_LOAD_GAP} after
     * the last one allows, and shared by every login that asks meanwhile). Not limited by {@code users_refresh_time}:
     * a login that would be refused must be refused by accounts at least as new as itself. Never completes
     * exceptionally; any thread.
     */
    public synchronized CompletableFuture<Void> freshSince(long sinceNanos) {
        if (snapshotStartNanos - sinceNanos >= 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (current != null && !current.done.isDone() && current.startNanos - sinceNanos >= 0) {
            return current.done;
        }
        return next != null ? next.done : submit();
    }

    /** True when the snapshot was loaded by a load that began before {@code sinceNanos}. */
    public boolean olderThan(long sinceNanos) {
        return snapshotStartNanos - sinceNanos < 0;
    }

    private CompletableFuture<Void> submit() {
        Load load = new Load();
        next = load;
        // Paced from the start of the last load; the loader thread runs one load at a time in any case.
        long delay = Math.max(0, lastLoadStartNanos + MIN_LOAD_GAP.toNanos() - System.nanoTime());
        try {
            thread.schedule(load, delay, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            next = null;                                  // closed: nobody will load again
            load.done.complete(null);
        }
        return load.done;
    }

    /** One load on the loader thread; its start time says which logins its snapshot may answer. */
    private final class Load implements Runnable {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile long startNanos;

        @Override
        public void run() {
            synchronized (UserAccountStore.this) {
                startNanos = System.nanoTime();
                lastLoadStartNanos = startNanos;
                if (next == this) {
                    next = null;
                }
                current = this;
            }
            try {
                loadNow(startNanos);
            } catch (RuntimeException e) {
                LOG.warn("{}: user account load failed: {}", service, e.toString());
            } finally {
                done.complete(null);
            }
        }
    }

    private void loadNow(long startNanos) {
        Settings st = settings;
        if (fileOnly) {
            loadFileOnly(startNanos, st);
            return;
        }
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
                loaded.add(loadRetrying(s, st));
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
        if (accountsFile != null) {
            // add_when_load_ok: the file only adds to accounts the servers gave, never stands in for them.
            try {
                UserAccountsFile file = UserAccountsFile.read(accountsFile);
                merged = file.addedTo(merged);
                from.add(accountsFile.toString());
            } catch (java.io.IOException e) {
                LOG.warn("{}: {}; using the servers' accounts only", service, e.getMessage());
            }
        }
        if (!st.skipNameResolve()) {
            // The DNS lookups happen here, on the loader thread; workers only read the result.
            HostNames names = HostNames.resolve(merged.accounts());
            merged = merged.withHostNames(names);
            if (names.size() > 0) {
                LOG.info("{}: looked up {} host name(s) of accounts (skip_name_resolve=false)", service, names.size());
            }
        }
        // Before the snapshot: a login waiting for the accounts then finds the variables too.
        loadVariables(st);
        snapshot = merged;
        snapshotStartNanos = startNanos;
        LOG.info("{}: loaded {} user accounts from {}", service, merged.size(), String.join(", ", from));
        if (!errors.isEmpty()) {
            LOG.warn("{}: user accounts not loaded from {}", service, errors);
        }
    }

    /**
     * Reads the variables connection_metadata's auto values take; a failure keeps the previous ones. Only when the
     * source server changed or the last read is {@link #VARIABLES_MAX_AGE_NANOS} old: an account load can run once a
     * second under a flood of unknown users, and a second connection per load would double what the servers see.
     */
    private void loadVariables(Settings st) {
        Server s = ServerVariables.source(targets);
        if (s == null) {
            return;
        }
        long now = System.nanoTime();
        if (s.name().equals(variablesSource) && now - variablesReadNanos < VARIABLES_MAX_AGE_NANOS) {
            return;
        }
        try {
            serverVariables = ServerVariables.load(s, credentials[0], credentials[1],
                    st.connectTimeout(), st.readTimeout(), st.writeTimeout());
            variablesSource = s.name();
            variablesReadNanos = now;
        } catch (Exception e) {
            LOG.warn("{}: could not read the server variables of {} for connection_metadata: {}", service, s.name(),
                    e.getMessage());
        }
    }

    /** file_only_always: the file is all there is, whatever state the servers are in. */
    private void loadFileOnly(long startNanos, Settings st) {
        UserAccounts accounts;
        try {
            accounts = UserAccountsFile.read(accountsFile).alone(System.currentTimeMillis());
        } catch (java.io.IOException e) {
            LOG.warn("{}: {}; keeping the accounts loaded before", service, e.getMessage());
            return;
        }
        if (!st.skipNameResolve()) {
            accounts = accounts.withHostNames(HostNames.resolve(accounts.accounts()));
        }
        snapshot = accounts;
        snapshotStartNanos = startNanos;
        LOG.info("{}: loaded {} user accounts from {} only", service, accounts.size(), accountsFile);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        synchronized (this) {
            if (next != null) {
                next.done.complete(null);                 // never to run: its waiting logins decide on what is here
            }
        }
    }

    /**
     * Loads from {@code s}, trying again up to query_retries times while query_retry_timeout has not passed when the
     * network cut the load short (an error the server answered is not retried: it would answer the same).
     */
    private UserAccounts loadRetrying(Server s, Settings st) throws Exception {
        long deadline = System.nanoTime() + st.queryRetryTimeout().toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                return UserAccountLoader.load(s, credentials[0], credentials[1],
                        st.connectTimeout(), st.readTimeout(), st.writeTimeout());
            } catch (java.io.IOException e) {
                if (attempt >= st.queryRetries() || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LOG.info("{}: loading user accounts from {} was interrupted ({}); trying again", service, s.name(),
                        e.getMessage());
            }
        }
    }
}
