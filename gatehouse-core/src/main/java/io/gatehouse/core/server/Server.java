package io.gatehouse.core.server;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.api.server.ServerState;
import io.gatehouse.api.server.ServerStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One backend server at runtime: its configuration, the state its monitor last published, the operator's status
 * bits and connection counters. Thread-safe without locks: state is a volatile immutable snapshot, counters are
 * atomics. Holds no buffers.
 */
public final class Server implements MonitoredServer {
    private final String name;
    private volatile Params params;
    /** {@code rank=primary}, kept with {@link #params}: routers ask it for every candidate of every read. */
    private volatile boolean primaryRank;
    private volatile ServerState state = ServerState.UNKNOWN;
    private volatile int adminBits;
    private volatile boolean monitored;
    private final AtomicInteger connections = new AtomicInteger();
    private final RoutingSlots routingSlots = new RoutingSlots();
    private final AtomicLong totalConnections = new AtomicLong();
    private final AtomicInteger maxConnections = new AtomicInteger();
    private final AtomicLong routedPackets = new AtomicLong();
    private final AtomicLong failedAuths = new AtomicLong();

    private volatile java.net.InetSocketAddress socketAddress;
    private final io.gatehouse.core.tls.ReloadableTls tls;

    /** Source address of every connection to this server (global {@code local_address}), or null. */
    private final java.net.InetAddress localAddress;

    /** Throws {@link IllegalArgumentException} when its TLS files cannot be used. */
    public Server(String name, Params params) {
        this(name, params, null);
    }

    /** A server whose connections are made from {@code localAddress} (null: the system's choice). */
    public Server(String name, Params params, java.net.InetAddress localAddress) {
        this.name = name;
        this.params = params;
        this.primaryRank = rankIsPrimary(params);
        this.localAddress = localAddress;
        try {
            this.tls = io.gatehouse.core.tls.ReloadableTls.forServer(io.gatehouse.core.tls.TlsSettings.of(params, false));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("[" + name + "] ssl: cannot set up TLS: " + e.getMessage(), e);
        }
        resolve();
    }

    /** TLS towards this server, or null when {@code ssl=false}. */
    public io.gatehouse.core.tls.ReloadableTls tls() {
        return tls;
    }

    @Override
    public java.net.InetAddress localAddress() {
        return localAddress;
    }

    @Override
    public javax.net.ssl.SSLContext tlsContext() {
        return tls == null ? null : tls.jdkClientContext();
    }

    /** Whether a PROXY protocol header with the client's address goes first on each connection. */
    public boolean proxyProtocol() {
        return params.has("proxy_protocol") && params.bool("proxy_protocol");
    }

    /**
     * Resolves the address now, off the workers, so that connecting never does a DNS lookup on an event loop. Called
     * when the configuration is loaded or changed, and by monitors.
     */
    public void resolve() {
        if (params.string("address") != null) {
            socketAddress = new java.net.InetSocketAddress(params.string("address"), (int) params.integer("port"));
        }
    }

    /** The address resolved by {@link #resolve}. */
    public java.net.InetSocketAddress socketAddress() {
        return socketAddress;
    }

    @Override
    public String name() {
        return name;
    }

    public Params params() {
        return params;
    }

    public void params(Params p) {
        this.primaryRank = rankIsPrimary(p);
        this.params = p;
    }

    private static boolean rankIsPrimary(Params p) {
        return "primary".equals(p.string("rank"));
    }

    @Override
    public String monitorUser() {
        String u = params.string("monitoruser");
        return u == null || u.isEmpty() ? null : u;
    }

    @Override
    public long priority() {
        return params.has("priority") ? params.integer("priority") : 0;
    }

    @Override
    public String monitorPassword() {
        return params.string("monitorpw");
    }

    @Override
    public String address() {
        return params.string("address");
    }

    @Override
    public String replicationCustomOptions() {
        String o = params.string("replication_custom_options");
        return o == null || o.isBlank() ? null : o.trim();
    }

    @Override
    public int extraPort() {
        return params.has("extra_port") ? (int) params.integer("extra_port") : 0;
    }

    /** The session connections to this server and the sessions waiting for one (max_routing_connections). */
    public RoutingSlots routingSlots() {
        return routingSlots;
    }

    /** {@code max_routing_connections}; 0 for no limit. */
    public int maxRoutingConnections() {
        return params.has("max_routing_connections") ? (int) Math.min(Integer.MAX_VALUE,
                params.integer("max_routing_connections")) : 0;
    }

    @Override
    public String diskSpaceThreshold() {
        String t = params.has("disk_space_threshold") ? params.string("disk_space_threshold") : null;
        return t == null || t.isBlank() ? null : t.trim();
    }

    @Override
    public void enterMaintenance() {
        setAdminBits(ServerStatus.MAINTENANCE, true);
    }

    @Override
    public String privateAddress() {
        String p = params.string("private_address");
        return p == null || p.isBlank() ? null : p.trim();
    }

    @Override
    public int port() {
        return (int) params.integer("port");
    }

    @Override
    public String socket() {
        return params.string("socket");
    }

    @Override
    public boolean primaryRank() {
        return primaryRank;
    }

    public int persistPoolMax() {
        return (int) params.integer("persistpoolmax");
    }

    public Duration persistMaxTime() {
        return params.duration("persistmaxtime");
    }

    /**
     * The merged status. A server no monitor watches is assumed Running, as MaxScale does, so a service can route
     * to servers listed without a monitor.
     */
    @Override
    public int status() {
        int monitorBits = monitored ? state.status() : ServerStatus.RUNNING;
        return monitorBits | adminBits;
    }

    @Override
    public ServerState state() {
        return state;
    }

    @Override
    public void publish(ServerState s) {
        this.state = s.withStatus(s.status() & ServerStatus.MONITOR_BITS);
    }

    /** Marks the server as watched by a monitor, so its status comes from that monitor. */
    public void setMonitored(boolean m) {
        this.monitored = m;
    }

    public boolean isMonitored() {
        return monitored;
    }

    /** Sets or clears operator bits (maintenance, draining). */
    public synchronized void setAdminBits(int bits, boolean on) {
        adminBits = on ? adminBits | (bits & ServerStatus.ADMIN_BITS) : adminBits & ~bits;
    }

    @Override
    public int currentConnections() {
        return connections.get();
    }

    public long totalConnections() {
        return totalConnections.get();
    }

    public int maxConnections() {
        return maxConnections.get();
    }

    /** Counts a new backend connection of a session. */
    public void connectionOpened() {
        int now = connections.incrementAndGet();
        totalConnections.incrementAndGet();
        maxConnections.accumulateAndGet(now, Math::max);
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    private final AtomicLong reusedConnections = new AtomicLong();
    private final AtomicInteger activeOperations = new AtomicInteger();

    @Override
    public int activeOperations() {
        return activeOperations.get();
    }

    private volatile Runnable suspectListener;

    /** Who to tell when a proxy connection to this server breaks (its monitor). */
    public void onSuspect(Runnable listener) {
        this.suspectListener = listener;
    }

    /** A connection to this server broke unexpectedly; non-blocking, callable on a worker. */
    public void suspect() {
        Runnable l = suspectListener;
        if (l != null) {
            l.run();
        }
    }

    private volatile long averageResponseNanos;

    @Override
    public long averageResponseNanos() {
        return averageResponseNanos;
    }

    /** Response times of replies with result sets (reads) and of the others (writes), as MaxScale reports them. */
    private final ResponseDistribution readTimes = new ResponseDistribution();
    private final ResponseDistribution writeTimes = new ResponseDistribution();

    /**
     * Folds one response time into the moving average (weight 1/16 for the newest) and counts it in the read or
     * write distribution. Updated from several workers without a lock: a lost update of the average only delays it a
     * little, which routing tolerates; the distributions lose nothing.
     */
    public void responseTime(long nanos, boolean read) {
        long avg = averageResponseNanos;
        averageResponseNanos = avg == 0 ? nanos : avg + (nanos - avg) / 16;
        (read ? readTimes : writeTimes).add(nanos);
    }

    /** The response times of replies that carried a result set. */
    public ResponseDistribution readTimes() {
        return readTimes;
    }

    /** The response times of the other replies (OK, errors, prepare responses). */
    public ResponseDistribution writeTimes() {
        return writeTimes;
    }

    /** Counts a statement started (+1) or finished (-1) on this server by a statement router. */
    public void operation(int delta) {
        activeOperations.addAndGet(delta);
    }

    /** Counts a pooled connection taken over by a new session. */
    public void connectionReused() {
        reusedConnections.incrementAndGet();
    }

    public long reusedConnections() {
        return reusedConnections.get();
    }

    public void packetRouted() {
        routedPackets.incrementAndGet();
    }

    public long routedPackets() {
        return routedPackets.get();
    }

    public void authFailed() {
        failedAuths.incrementAndGet();
    }

    public long failedAuths() {
        return failedAuths.get();
    }

    @Override
    public String toString() {
        return name + "[" + (socket() != null ? socket() : address() + ":" + port()) + "]";
    }
}
