package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.json.Json;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.QueryResult;
import io.gatehouse.protocol.client.ServerErrorException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open connection of the SQL API: its database client, the options it was opened with (for reconnect and clone),
 * and the latest asynchronous query. Its work runs on the admin command executor (a synchronous request) or on the
 * SQL API's query threads (an asynchronous query); the {@code busy} flag lets one of them use the client at a time,
 * as MaxScale allows one query per connection. Cancelling uses a second, short-lived client and never touches the
 * busy one. No Netty buffers are touched.
 */
final class SqlConnection {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqlConnection.class);
    /**
     * How long a query may run before the client gives up on the socket. Queries are bounded by their own
     * {@code timeout} and by cancel; this only keeps a thread from waiting for ever on a server that went silent.
     */
    static final Duration QUERY_READ_TIMEOUT = Duration.ofHours(8);

    final String id;
    final String target;
    /** What {@code POST /sql} asked for: the clone and the reconnect connect with the same options. */
    final ClientOptions options;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicLong queries = new AtomicLong();
    private volatile BlockingClient client;
    volatile long lastUsedNanos = System.nanoTime();
    volatile String lastSql;
    /** The latest asynchronous query, or null when none ran or its result was erased. */
    private volatile Async latest;

    /** An asynchronous query: while {@code attributes} is null it is still running. */
    static final class Async {
        final String queryId;
        final String sql;
        final long startNanos = System.nanoTime();
        volatile ObjectNode attributes;
        /** Set instead of {@code attributes} when the connection to the server was lost under the query. */
        volatile String lost;

        Async(String queryId, String sql) {
            this.queryId = queryId;
            this.sql = sql;
        }

        boolean running() {
            return attributes == null && lost == null;
        }
    }

    SqlConnection(String id, String target, ClientOptions options, BlockingClient client) {
        this.id = id;
        this.target = target;
        this.options = options;
        this.client = client;
    }

    /** Opens a client with {@code options}; blocks up to their connect timeout. */
    static BlockingClient open(ClientOptions options) throws IOException, ServerErrorException {
        // The login is bounded by the request's timeout; only then may a read wait as long as a query can run.
        BlockingClient c = BlockingClient.connect(options);
        c.readTimeout(QUERY_READ_TIMEOUT);
        return c;
    }

    long threadId() {
        return client.connectionId();
    }

    /** Takes the connection for one piece of work; false when another holds it. */
    boolean acquire() {
        return busy.compareAndSet(false, true);
    }

    void release() {
        lastUsedNanos = System.nanoTime();
        busy.set(false);
    }

    boolean busy() {
        return busy.get();
    }

    Async latest() {
        return latest;
    }

    /** Erases the latest asynchronous result (the caller holds the connection). */
    void eraseLatest() {
        latest = null;
    }

    /** The id of the next query, as MaxScale names them: the connection's id, a dot, a count. */
    String nextQueryId() {
        return id + "." + queries.incrementAndGet();
    }

    /** Registers an asynchronous query about to run (the caller holds the connection); it replaces the latest. */
    Async startAsync(String queryId, String sql) {
        Async a = new Async(queryId, sql);
        latest = a;
        return a;
    }

    /**
     * Runs {@code sql} on the held connection and answers the query's attributes ({@code execution_time},
     * {@code results}, {@code sql}). {@code timeoutSeconds} above 0 cancels the query when it runs longer, as a
     * cancel request would. Throws IOException when the connection to the server is lost.
     */
    ObjectNode execute(String sql, int maxRows, long timeoutSeconds, ScheduledExecutorService timer)
            throws IOException {
        lastSql = sql;
        long start = System.nanoTime();
        ScheduledFuture<?> watchdog = timeoutSeconds > 0
                ? timer.schedule(this::cancelQuietly, timeoutSeconds, TimeUnit.SECONDS) : null;
        ArrayNode results;
        try {
            List<QueryResult> all = List.of();
            ServerErrorException error = null;
            try {
                all = client.queryAll(sql);
            } catch (ServerErrorException e) {
                // The blocking client drops the results before an error; the error is what the editor must show.
                error = e;
            }
            results = SqlResults.of(all, error, maxRows);
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
        ObjectNode a = Json.object();
        a.put("execution_time", (System.nanoTime() - start) / 1e9);
        a.set("results", results);
        a.put("sql", sql);
        return a;
    }

    /**
     * Stops the statement the connection is running with {@code KILL QUERY} of its thread, sent over a second
     * connection with the same options (the busy one is blocked reading the reply); nothing when it is idle.
     * Blocks up to the connect timeout; throws when the second connection or the KILL fails.
     */
    void cancel() throws IOException, ServerErrorException {
        if (!busy.get()) {
            return;
        }
        long thread = client.connectionId();
        try (BlockingClient killer = BlockingClient.connect(options.withTimeouts(options.connectTimeout())
                .withDatabase(null))) {
            killer.execute("KILL QUERY " + thread);
        }
    }

    private void cancelQuietly() {
        try {
            cancel();
        } catch (IOException | ServerErrorException | RuntimeException e) {
            LOG.warn("SQL API: the query timeout of connection {} could not cancel its query: {}", id, e.toString());
        }
    }

    /**
     * Replaces the client with a new one of the same options (the caller holds the connection): the id stays, the
     * server sees a new connection and the session state starts afresh. A connection whose server still answers
     * and that has a transaction open is not replaced, as MaxScale refuses to reconnect inside a transaction.
     */
    void reconnect() throws IOException, ServerErrorException {
        BlockingClient old = client;
        if (old.isOpen()) {
            boolean alive;
            try {
                old.ping();
                alive = true;
            } catch (IOException | ServerErrorException e) {
                alive = false;                             // killed or gone: replacing it is the point
            }
            if (alive && (old.status() & io.gatehouse.protocol.StatusFlags.IN_TRANS) != 0) {
                throw new IllegalStateException("a transaction is open on SQL connection '" + id
                        + "'; commit or roll it back before reconnecting");
            }
        }
        BlockingClient fresh = open(options);
        client = fresh;
        old.close();
        latest = null;
    }

    /** Closes the client (the caller holds the connection, or the admin server is stopping). */
    void close() {
        client.close();
    }
}
