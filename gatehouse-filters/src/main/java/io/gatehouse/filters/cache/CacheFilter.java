package io.gatehouse.filters.cache;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.router.ClientInfo;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One cache filter instance, shared by every worker thread: holds the storage and the counters the admin API shows.
 * With {@code cached_data=shared} there is one storage for all workers (in memory), or one connection to the remote
 * server for all; with {@code thread_specific} each worker thread gets its own in-memory storage, or its own
 * connection to the remote server (whose entries every connection shares), made when the worker's first session
 * starts. Thread-safe: storages are concurrent, counters are adders. Holds no buffers.
 */
final class CacheFilter implements Filter {
    private final String name;
    private final CacheModule.Settings settings;
    private final CacheStorage shared;
    private final RemoteStorage sharedRemote;
    private final Map<Thread, CacheStorage> perWorker = new ConcurrentHashMap<>();
    private final Map<Thread, RemoteStorage> perWorkerRemote = new ConcurrentHashMap<>();
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder updates = new LongAdder();
    final LongAdder deletes = new LongAdder();
    /** Statements a remote storage could not answer in time (or while down), which ran uncached. */
    final LongAdder storageFailures = new LongAdder();

    CacheFilter(String name, CacheModule.Settings settings) {
        this.name = name;
        this.settings = settings;
        boolean remote = settings.remote() != null;
        if (remote) {
            RemoteConnection.group();           // here, not on the worker whose first session needs a connection
        }
        this.shared = settings.shared() && !remote ? new CacheStorage(settings) : null;
        this.sharedRemote = settings.shared() && remote ? remote() : null;
    }

    private RemoteStorage remote() {
        RemoteOptions o = settings.remote();
        // A connection is up once the server answered: Redis's AUTH when a password is set, else a ping.
        Consumer<ByteBuf> hello = o.password() == null ? o.protocol()::writePing
                : out -> RedisProtocol.writeAuth(out, o.username(), o.password());
        return new RemoteStorage(new RemoteConnection(name, o.protocol(), o.host(), o.port(),
                settings.timeoutMillis(), hello), o.protocol(), o.maxValueSize());
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        return newSession(client, null);
    }

    @Override
    public FilterSession newSession(ClientInfo client, FilterSessionContext context) {
        if (settings.remote() != null) {
            RemoteStorage r = sharedRemote != null ? sharedRemote
                    : perWorkerRemote.computeIfAbsent(Thread.currentThread(), t -> remote());
            return new CacheSession(name, settings, client, null, r, context, this);
        }
        CacheStorage storage = shared != null ? shared
                : perWorker.computeIfAbsent(Thread.currentThread(), t -> new CacheStorage(settings));
        return new CacheSession(name, settings, client, storage, null, context, this);
    }

    @Override
    public Map<String, Object> diagnostics() {
        long h = hits.sum();
        long m = misses.sum();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("storage", settings.remote() == null ? "storage_inmemory" : "storage_" + settings.remote().protocol().name());
        d.put("cached_data", settings.shared() ? "shared" : "thread_specific");
        d.put("hits", h);
        d.put("misses", m);
        d.put("hit_ratio", h + m == 0 ? 0.0 : (double) h / (h + m));
        d.put("updates", updates.sum());
        d.put("deletes", deletes.sum());
        if (settings.remote() == null) {
            long entries = 0;
            long size = 0;
            for (CacheStorage s : shared != null ? List.of(shared) : perWorker.values()) {
                entries += s.entries();
                size += s.bytes();
            }
            d.put("entries", entries);
            d.put("size", size);
        } else {
            List<RemoteStorage> all = sharedRemote != null ? List.of(sharedRemote)
                    : new ArrayList<>(perWorkerRemote.values());
            d.put("storage_server", settings.remote().host() + ":" + settings.remote().port());
            d.put("storage_connections", all.size());
            d.put("storage_connections_up", all.stream().filter(RemoteStorage::isUp).count());
            d.put("storage_failures", storageFailures.sum());
        }
        return d;
    }

    @Override
    public void close() {
        // Sessions still running keep their storage; in-memory entries go with the last reference to this instance.
        // Remote connections are closed: a new instance (a runtime change) opens its own, and sessions of this one
        // that still run see the storage as down and go on uncached.
        if (sharedRemote != null) {
            sharedRemote.close();
        }
        perWorkerRemote.values().forEach(RemoteStorage::close);
    }
}
