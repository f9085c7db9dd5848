package io.gatehouse.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.users.UserAccountLoader;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.QueryResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration synchronisation between Gatehouse instances in front of one cluster ({@code config_sync_cluster}
 * names the monitor whose primary keeps the shared copy): every object created, changed or destroyed at runtime on
 * one instance is written, as its whole section, into the table {@code maxscale_config} of {@code config_sync_db} on
 * that primary under a version number; every {@code config_sync_interval} each instance reads the table and applies,
 * through {@link RuntimeChanges}, the sections that differ from its own. Sections merge one by one, so two instances
 * changing different objects at once both keep their change. Global parameters stay local to each instance.
 *
 * <p>Runs on its own thread: polling, and writing the changes {@link #changed} queues. {@link #changed} is called on
 * the admin thread under the {@link RuntimeChanges} lock and only queues the write, so an admin request returns once
 * the change is in effect here, as in MaxScale, and no lock is held across a query to the primary. Never on a
 * worker. No buffers.
 */
public final class ConfigSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigSync.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Marks a destroyed object in the shared copy. */
    static final String DESTROYED = "__destroyed";

    private final Runtime rt;
    private final String cluster;
    private final String table;
    private final String user;
    private final String password;
    private final Duration timeout;
    private final String origin;
    private final ScheduledExecutorService thread;
    /** The version this instance has applied (or written). */
    private volatile long version;
    private volatile String lastOrigin = "";
    private volatile String status = "OK";
    /** True while this instance applies a section it read, so that applying it does not write it back. */
    private final ThreadLocal<Boolean> applying = ThreadLocal.withInitial(() -> false);
    /** True while the calling thread makes a change its requester asked not to share (REST {@code sync=false}). */
    private static final ThreadLocal<Boolean> LOCAL_ONLY = ThreadLocal.withInitial(() -> false);

    /**
     * Runs {@code change} on the calling thread with sharing off for the changes it makes: they apply and persist
     * here only (MaxScale's {@code sync=false}, maxctrl's {@code --skip-sync}).
     */
    public static <T> T locally(java.util.concurrent.Callable<T> change) throws Exception {
        boolean outer = LOCAL_ONLY.get();
        LOCAL_ONLY.set(true);
        try {
            return change.call();
        } finally {
            LOCAL_ONLY.set(outer);
        }
    }
    /** Objects with a local change queued and not yet written: a poll leaves them alone until it is shared. */
    private final Map<String, Integer> pending = new java.util.concurrent.ConcurrentHashMap<>();

    ConfigSync(Runtime rt, Params g) {
        this(rt, g, 0);
    }

    /**
     * {@code version}: the shared version this instance has applied already, when sharing restarts with new
     * {@code config_sync_*} values at runtime (so that it does not apply again what it has).
     */
    ConfigSync(Runtime rt, Params g, long version) {
        this.rt = rt;
        this.version = version;
        this.cluster = g.string("config_sync_cluster");
        this.table = "`" + g.string("config_sync_db").replace("`", "``") + "`.maxscale_config";
        Params mon = rt.monitorParams(cluster);
        this.user = g.has("config_sync_user") ? g.string("config_sync_user") : mon.string("user");
        this.password = g.has("config_sync_password") ? g.string("config_sync_password") : mon.string("password");
        this.timeout = g.duration("config_sync_timeout");
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        this.origin = host + ":" + ProcessHandle.current().pid() + ":" + Integer.toHexString(System.identityHashCode(rt));
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-config-sync");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(100, g.duration("config_sync_interval").toMillis());
        thread.scheduleWithFixedDelay(this::pollQuietly, 0, ms, TimeUnit.MILLISECONDS);
    }

    /** The cluster (monitor) the configuration is shared through. */
    public String cluster() {
        return cluster;
    }

    /** What {@code GET /v1/maxscale} shows as {@code config_sync}. */
    public ObjectNode describe() {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", version);
        o.put("origin", lastOrigin);
        o.put("status", status);
        o.put("cluster", cluster);
        return o;
    }

    /** The version this instance has applied. */
    public long version() {
        return version;
    }

    /**
     * A change made here: {@code section} is the object's whole section, or null when it was destroyed. Queued for
     * the sync thread, which writes it to the shared copy next; when that fails the change stays local and the
     * failure is the sync status.
     */
    void changed(String name, Map<String, String> section) {
        if (applying.get() || LOCAL_ONLY.get() || name.equals("maxscale") || name.equals("gatehouse")) {
            return;
        }
        Map<String, String> copy = section == null ? null : new LinkedHashMap<>(section);
        pending.merge(name, 1, Integer::sum);
        try {
            thread.execute(() -> {
                try {
                    write(name, copy);
                } finally {
                    pending.computeIfPresent(name, (k, n) -> n <= 1 ? null : n - 1);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            pending.computeIfPresent(name, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** True while a local change is queued or being written (tests and the admin view). */
    public boolean writing() {
        return !pending.isEmpty();
    }

    /** Writes one change into the shared copy; on the sync thread. */
    private void write(String name, Map<String, String> section) {
        try (BlockingClient c = connect()) {
            c.execute("CREATE TABLE IF NOT EXISTS " + table + " (cluster VARCHAR(256) PRIMARY KEY, version BIGINT NOT"
                    + " NULL, config JSON NOT NULL, origin VARCHAR(254) NOT NULL, nodes JSON NOT NULL)");
            c.execute("START TRANSACTION");
            try {
                QueryResult r = c.query("SELECT version, config FROM " + table + " WHERE cluster = "
                        + literal(cluster) + " FOR UPDATE");
                long remote = r.rowCount() == 0 ? 0 : Long.parseLong(r.rows().get(0).get(0));
                ObjectNode config = r.rowCount() == 0 ? JSON.createObjectNode()
                        : (ObjectNode) JSON.readTree(r.rows().get(0).get(1));
                ObjectNode sections = config.has("sections") ? (ObjectNode) config.get("sections")
                        : config.putObject("sections");
                if (section == null) {
                    sections.putObject(name).put(DESTROYED, true);
                } else {
                    ObjectNode s = sections.putObject(name);
                    section.forEach(s::put);
                }
                long next = remote + 1;
                ObjectNode nodes = JSON.createObjectNode().put(origin, next);
                c.execute("INSERT INTO " + table + " VALUES (" + literal(cluster) + ", " + next + ", "
                        + literal(config.toString()) + ", " + literal(origin) + ", " + literal(nodes.toString())
                        + ") ON DUPLICATE KEY UPDATE version = VALUES(version), config = VALUES(config),"
                        + " origin = VALUES(origin), nodes = VALUES(nodes)");
                c.execute("COMMIT");
                // Changes of others merged in under ours are applied by the next poll, which compares contents.
                if (version == remote) {
                    version = next;
                }
                lastOrigin = origin;
                status = "OK";
            } catch (Exception e) {
                c.execute("ROLLBACK");
                throw e;
            }
        } catch (Exception e) {
            status = "change of '" + name + "' not shared with cluster '" + cluster + "': " + e.getMessage();
            LOG.warn("Configuration sync: {}", status);
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (Exception e) {
            status = "cannot read the shared configuration of cluster '" + cluster + "': " + e.getMessage();
            LOG.warn("Configuration sync: {}", status);
        }
    }

    /** Reads the shared copy and applies what differs from this instance's configuration. */
    synchronized void poll() throws Exception {
        QueryResult r;
        try (BlockingClient c = connect()) {
            try {
                r = c.query("SELECT version, config, origin FROM " + table + " WHERE cluster = " + literal(cluster));
            } catch (io.gatehouse.protocol.client.ServerErrorException e) {
                if (e.code() == 1146) {                   // no table yet: nothing was ever shared
                    status = "OK";
                    return;
                }
                throw e;
            }
        }
        if (r.rowCount() == 0) {
            status = "OK";
            return;
        }
        long remote = Long.parseLong(r.rows().get(0).get(0));
        if (remote <= version) {
            status = "OK";
            return;
        }
        JsonNode sections = JSON.readTree(r.rows().get(0).get(1)).path("sections");
        List<String> failed = new ArrayList<>();
        RuntimeChanges changes = RuntimeChanges.of(rt);
        // Servers and monitors first, listeners last, so that what an object refers to exists when it is made.
        for (String type : List.of("server", "monitor", "filter", "service", "listener")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = sections.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode s = e.getValue();
                String t = s.has(DESTROYED) ? changes.typeOf(e.getKey()) : s.path("type").asText();
                if (!type.equals(t) || pending.containsKey(e.getKey())) {
                    // A local change of it waits to be written: it merges in over this and comes back later.
                    continue;
                }
                try {
                    apply(changes, e.getKey(), s);
                } catch (Exception ex) {
                    failed.add(e.getKey() + ": " + ex.getMessage());
                }
            }
        }
        version = remote;
        lastOrigin = r.rows().get(0).get(2);
        status = failed.isEmpty() ? "OK" : "could not apply " + failed;
        if (!failed.isEmpty()) {
            LOG.warn("Configuration sync: version {} of cluster '{}': {}", remote, cluster, status);
        } else {
            LOG.info("Configuration sync: applied version {} of cluster '{}' from {}", remote, cluster, lastOrigin);
        }
    }

    private void apply(RuntimeChanges changes, String name, JsonNode shared) throws Exception {
        applying.set(true);
        try {
            String localType = changes.typeOf(name);
            if (shared.has(DESTROYED)) {
                if (localType != null) {
                    changes.destroy(localType, name, true);
                }
                return;
            }
            Map<String, String> wanted = new LinkedHashMap<>();
            shared.fields().forEachRemaining(f -> wanted.put(f.getKey(), f.getValue().asText()));
            String type = wanted.remove("type");
            if (localType == null) {
                changes.create(type, name, wanted);
                return;
            }
            Map<String, String> have = changes.sectionParams(name);
            Map<String, String> diff = new LinkedHashMap<>();
            wanted.forEach((k, v) -> {
                if (!Objects.equals(have.get(k), v)) {
                    diff.put(k, v);
                }
            });
            have.keySet().stream().filter(k -> !k.equals("type") && !wanted.containsKey(k))
                    .forEach(k -> diff.put(k, null));
            if (diff.isEmpty()) {
                return;
            }
            switch (localType) {
                case "server" -> changes.alterServer(name, diff);
                case "monitor" -> changes.alterMonitor(name, diff);
                case "service" -> changes.alterService(name, diff);
                case "filter" -> changes.alterFilter(name, diff);
                case "listener" -> changes.alterListener(name, diff);
                default -> throw new IllegalArgumentException("unknown type " + localType);
            }
        } finally {
            applying.set(false);
        }
    }

    private BlockingClient connect() throws Exception {
        List<String> names = rt.monitorParams(cluster).list("servers");
        Server primary = null;
        for (String n : names) {
            Server s = rt.servers().get(n);
            if (s != null && ServerStatus.has(s.status(), ServerStatus.MASTER)) {
                primary = s;
                break;
            }
        }
        if (primary == null) {
            throw new IllegalStateException("cluster '" + cluster + "' has no primary");
        }
        return BlockingClient.connect(UserAccountLoader.options(primary, user, password)
                .withConnectTimeout(timeout).withReadTimeout(timeout).withWriteTimeout(timeout));
    }

    private static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
