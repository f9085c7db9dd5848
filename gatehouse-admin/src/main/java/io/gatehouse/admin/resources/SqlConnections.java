package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.auth.JwtTokens;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.http.ApiRequest;
import io.gatehouse.admin.http.ApiResponse;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.core.listener.Listener;
import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.ServerErrorException;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@code /sql} resource, MaxScale's query-editor API: {@code POST /sql} opens a database connection to a server,
 * a service or a listener with the caller's database credentials and answers its id and a connection token (in
 * {@code meta.token}, or with {@code persist=yes} in the cookie {@code conn_id_sig_ID}); {@code POST
 * /sql/:id/queries} runs SQL and answers every result, or with {@code async=true} answers 202 at once and keeps the
 * result for {@code GET /sql/:id/queries/:query_id}; {@code cancel}, {@code reconnect}, {@code clone}; {@code GET}
 * lists, {@code DELETE} closes. ODBC connections and the ETL routes built on them are refused: Gatehouse runs none.
 * Checks run on the admin event loop; connecting and synchronous queries block, so they are answered later on the
 * admin command executor, asynchronous queries run on this resource's own query threads, all with the small
 * blocking client of gatehouse-protocol (never on a routing worker). No Netty buffers are touched.
 */
public final class SqlConnections implements AutoCloseable {
    /** More open editor connections than this is refused: each holds a backend connection. */
    static final int MAX_CONNECTIONS = 64;
    private static final int DEFAULT_MAX_ROWS = 1000;
    private static final long DEFAULT_MAX_AGE = 28800;
    static final String COOKIE_PREFIX = "conn_id_sig_";
    private static final String NO_ODBC = "Gatehouse does not run ODBC connections (it is a Java proxy without an"
            + " ODBC driver manager)";

    private final AdminContext ctx;
    /** Connection tokens are signed apart from the admin login tokens, so neither can stand in for the other. */
    private final JwtTokens tokens = new JwtTokens("gatehouse-sql");
    private final Map<String, SqlConnection> open = new ConcurrentHashMap<>();
    /** Asynchronous queries; at most one per connection runs, so at most {@link #MAX_CONNECTIONS} threads. */
    private final ExecutorService queryThreads =
            Executors.newCachedThreadPool(new DefaultThreadFactory("gatehouse-sql-query", true));
    /** Cancels the queries that outlive their {@code timeout}. */
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("gatehouse-sql-timeout", true));

    public SqlConnections(AdminContext ctx) {
        this.ctx = ctx;
    }

    /** Every {@code GET /sql...} route. */
    public ApiResponse get(ApiRequest r) {
        List<String> p = r.path();
        JsonApi api = new JsonApi(r.baseUrl());
        if (p.size() == 1) {
            return ApiResponse.ok(list(api));
        }
        if (p.size() == 3 && p.get(1).equals("odbc") && p.get(2).equals("drivers")) {
            return ApiResponse.ok(OdbcDrivers.list(api));
        }
        if (p.size() == 2) {
            return ApiResponse.ok(one(api, p.get(1)));
        }
        if (p.size() == 4 && p.get(2).equals("queries")) {
            return result(r, api, p.get(1), p.get(3));
        }
        throw ApiException.notFound("resource '" + r.joined() + "'");
    }

    /** Every {@code POST /sql...} route. */
    public ApiResponse post(ApiRequest r) {
        List<String> p = r.path();
        if (p.size() == 1) {
            return connect(r);
        }
        if (p.size() == 3) {
            switch (p.get(2)) {
                case "queries" -> {
                    return query(r, p.get(1));
                }
                case "cancel" -> {
                    return cancel(r, p.get(1));
                }
                case "reconnect" -> {
                    return reconnect(r, p.get(1));
                }
                case "clone" -> {
                    return cloneOf(r, p.get(1));
                }
                default -> {
                }
            }
        }
        if (p.size() == 4 && p.get(2).equals("etl") && Set.of("prepare", "start").contains(p.get(3))) {
            throw ApiException.badRequest("ETL (POST /sql/:id/etl/" + p.get(3) + ") extracts data over an ODBC"
                    + " connection: " + NO_ODBC + ", so it has no ETL; copy data with SQL over a server connection");
        }
        throw ApiException.notFound("resource '" + r.joined() + "'");
    }

    /** Every {@code DELETE /sql...} route. */
    public ApiResponse delete(ApiRequest r) {
        List<String> p = r.path();
        if (p.size() == 2) {
            return close(r, p.get(1));
        }
        if (p.size() == 4 && p.get(2).equals("queries")) {
            return erase(r, p.get(1));
        }
        throw ApiException.notFound("resource '" + r.joined() + "'");
    }

    /** {@code GET /sql}. */
    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        for (SqlConnection c : open.values()) {
            all.add(resource(api, c));
        }
        return api.collection(all, "sql");
    }

    /** {@code GET /sql/:id}: any admin user may look, as in MaxScale; the connection's token is not needed. */
    public ObjectNode one(JsonApi api, String id) {
        SqlConnection c = open.get(id);
        if (c == null) {
            throw ApiException.notFound("SQL connection '" + id + "'");
        }
        return api.document(resource(api, c), "sql/" + id);
    }

    private static ObjectNode resource(JsonApi api, SqlConnection c) {
        ObjectNode r = api.resource(c.id, "sql", "sql/" + c.id);
        ((ObjectNode) r.get("links")).put("related", api.base() + "sql/" + c.id + "/queries/");
        ObjectNode a = (ObjectNode) r.get("attributes");
        a.put("target", c.target);
        a.put("thread_id", c.threadId());
        a.put("seconds_idle", c.busy() ? 0 : (System.nanoTime() - c.lastUsedNanos) / 1e9);
        a.put("sql", c.lastSql);
        return r;
    }

    /** {@code POST /sql}: checks the body now, connects later (off the event loop). */
    public ApiResponse connect(ApiRequest r) {
        JsonNode body = r.body();
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("POST /sql needs a JSON object with target, user and password");
        }
        String target = text(body, "target");
        if ("odbc".equals(target)) {
            throw ApiException.badRequest("target \"odbc\": " + NO_ODBC + "; connect to a server, service or listener"
                    + " of Gatehouse instead");
        }
        String user = text(body, "user");
        String password = text(body, "password");
        if (target == null || user == null || password == null) {
            throw ApiException.badRequest("POST /sql: target, user and password are mandatory");
        }
        String db = body.path("db").isTextual() ? body.get("db").asText() : null;
        long timeout = body.path("timeout").canConvertToLong() ? body.get("timeout").asLong() : 10;
        if (timeout <= 0) {
            throw ApiException.badRequest("timeout: " + timeout + " (expected: a positive number of seconds)");
        }
        // The timeout bounds the connecting and the login; a query may run longer (SqlConnection.open lengthens
        // the read timeout once logged in; the query's own timeout and cancel bound it).
        ClientOptions opts = address(target, user, password).withTimeouts(Duration.ofSeconds(timeout));
        if (db != null && !db.isEmpty()) {
            opts = opts.withDatabase(db);
        }
        return opened(r, target, opts);
    }

    /** Connects with {@code opts} later and answers 201 as {@code POST /sql} does ({@code clone} too). */
    private ApiResponse opened(ApiRequest r, String target, ClientOptions opts) {
        long age = maxAge(r.param("max-age"));
        boolean persist = truthy(r.param("persist"));
        JsonApi api = new JsonApi(r.baseUrl());
        return ApiResponse.later(() -> {
            if (open.size() >= MAX_CONNECTIONS) {
                throw new ApiException(503, "too many open SQL connections (" + MAX_CONNECTIONS + "); close one first");
            }
            BlockingClient client;
            try {
                client = SqlConnection.open(opts);
            } catch (ServerErrorException e) {
                throw ApiException.badRequest("cannot connect to '" + target + "': " + e.getMessage());
            } catch (IOException e) {
                throw new ApiException(503, "cannot connect to '" + target + "': " + e.getMessage());
            }
            String id = UUID.randomUUID().toString();
            SqlConnection c = new SqlConnection(id, target, opts, client);
            open.put(id, c);
            ObjectNode doc = api.document(resource(api, c), "sql/" + id);
            String token = tokens.issue(id, age);
            ApiResponse resp = new ApiResponse(201, doc, null, "application/json")
                    .withHeader("Location", api.base() + "sql/" + id);
            if (persist) {
                // The token stays out of page scripts' reach, as with the admin login's token_sig.
                return resp.withHeader("Set-Cookie", COOKIE_PREFIX + id + "=" + token + "; Path=/; Max-Age=" + age
                        + cookieFlags());
            }
            doc.putObject("meta").put("token", token);
            return resp;
        });
    }

    private String cookieFlags() {
        return (ctx.settings().secure() ? "; Secure" : "") + "; SameSite=Strict; HttpOnly";
    }

    /** max-age: positive whole seconds, at most the admin tokens' own limit; anything else means the default. */
    private long maxAge(String param) {
        long age = DEFAULT_MAX_AGE;
        if (param != null && param.matches("[0-9]{1,12}") && Long.parseLong(param) > 0) {
            age = Long.parseLong(param);
        }
        return Math.min(age, ctx.tokens().maxAgeSeconds());
    }

    private static boolean truthy(String v) {
        return v != null && Set.of("yes", "true", "1", "on").contains(v.toLowerCase(java.util.Locale.ROOT));
    }

    /** Where {@code target} (a server, or a service or listener of this proxy) is reached, with the credentials. */
    private ClientOptions address(String target, String user, String password) {
        var rt = ctx.runtime();
        Server s = rt.servers().get(target);
        if (s != null) {
            return ClientOptions.tcp(s.address(), s.port(), user, password);
        }
        Listener l = rt.listeners().get(target);
        if (l == null && rt.services().containsKey(target)) {
            l = rt.listenersOf(target).stream().filter(x -> x.isRunning() && x.boundPort() > 0).findFirst()
                    .orElseThrow(() -> ApiException.badRequest("target: service '" + target
                            + "' has no running TCP listener to connect through"));
        }
        if (l == null) {
            throw ApiException.badRequest("target: '" + target + "' (expected: the name of a server, service or"
                    + " listener)");
        }
        if (!l.isRunning() || l.boundPort() <= 0) {
            throw ApiException.badRequest("target: listener '" + l.name() + "' is not running on a TCP port");
        }
        String host = l.params().has("address") ? l.params().string("address") : "";
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            // A wildcard listener answers on loopback too; the admin API runs on the same host.
            host = "127.0.0.1";
        }
        return ClientOptions.tcp(host, l.boundPort(), user, password);
    }

    /**
     * {@code POST /sql/:id/queries}: runs {@code sql} later and answers every result it gave; with {@code
     * async=true} queues it and answers 202 with where its result will be. A connection runs one query at a time;
     * another one meanwhile is answered 503, as MaxScale's busy connection.
     */
    public ApiResponse query(ApiRequest r, String id) {
        SqlConnection c = authorized(r, id);
        JsonNode body = r.body();
        String sql = body == null ? null : text(body, "sql");
        if (sql == null || sql.isBlank()) {
            throw ApiException.badRequest("POST /sql/:id/queries needs a JSON object with the field sql");
        }
        int maxRows = body.path("max_rows").canConvertToInt() ? body.get("max_rows").asInt() : DEFAULT_MAX_ROWS;
        if (maxRows < 0) {
            throw ApiException.badRequest("max_rows: " + maxRows + " (expected: 0 for no limit, or a positive number)");
        }
        long timeout = body.path("timeout").canConvertToLong() ? body.get("timeout").asLong() : 0;
        if (timeout < 0) {
            throw ApiException.badRequest("timeout: " + timeout + " (expected: 0 for none, or seconds)");
        }
        JsonApi api = new JsonApi(r.baseUrl());
        if (truthy(r.param("async"))) {
            if (!c.acquire()) {
                throw busy(id);
            }
            String queryId = c.nextQueryId();
            SqlConnection.Async a = c.startAsync(queryId, sql);
            try {
                queryThreads.execute(() -> {
                    try {
                        a.attributes = c.execute(sql, maxRows, timeout, timer);
                    } catch (IOException | RuntimeException e) {
                        a.lost = e.getMessage();
                    } finally {
                        c.release();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                c.release();
                throw new ApiException(503, "the SQL API is stopping");
            }
            String self = "sql/" + id + "/queries/" + queryId;
            return new ApiResponse(202, runningDocument(api, c, a), null, "application/json")
                    .withHeader("Location", api.base() + self + "/");
        }
        return ApiResponse.later(() -> {
            if (!c.acquire()) {
                throw busy(id);
            }
            try {
                c.eraseLatest();                           // as MaxScale: a new query drops the unread result
                String queryId = c.nextQueryId();
                ObjectNode attributes;
                try {
                    attributes = c.execute(sql, maxRows, timeout, timer);
                } catch (IOException e) {
                    throw lost(c, e.getMessage());
                }
                return new ApiResponse(201, resultDocument(api, c, queryId, attributes), null, "application/json");
            } finally {
                c.release();
            }
        });
    }

    /** The document of the asynchronous query {@code a} still running: its sql and its time so far. */
    private static ObjectNode runningDocument(JsonApi api, SqlConnection c, SqlConnection.Async a) {
        ObjectNode attributes = io.gatehouse.admin.json.Json.object();
        attributes.put("execution_time", (System.nanoTime() - a.startNanos) / 1e9);
        attributes.put("sql", a.sql);
        return resultDocument(api, c, a.queryId, attributes);
    }

    private static ObjectNode resultDocument(JsonApi api, SqlConnection c, String queryId, ObjectNode attributes) {
        String self = "sql/" + c.id + "/queries/" + queryId;
        ObjectNode res = api.resource(queryId, "queries", null);
        res.set("attributes", attributes);
        return api.document(res, self);
    }

    /**
     * {@code GET /sql/:id/queries/:query_id}: the latest asynchronous query's result (201, as the synchronous
     * answer), 202 while it runs, 400 when none is kept, as MaxScale; 503 when the connection was lost under it.
     */
    private ApiResponse result(ApiRequest r, JsonApi api, String id, String queryId) {
        SqlConnection c = authorized(r, id);
        SqlConnection.Async a = c.latest();
        if (a == null) {
            throw ApiException.badRequest("no asynchronous query result is kept for SQL connection '" + id + "'"
                    + " (expected: POST /sql/" + id + "/queries?async=true first; a result is kept until the next"
                    + " query, a DELETE or a reconnect)");
        }
        if (a.running()) {
            return new ApiResponse(202, runningDocument(api, c, a), null, "application/json")
                    .withHeader("Location", api.base() + "sql/" + id + "/queries/" + a.queryId + "/");
        }
        if (a.lost != null) {
            throw lost(c, a.lost);
        }
        return new ApiResponse(201, resultDocument(api, c, a.queryId, a.attributes), null, "application/json");
    }

    /** {@code DELETE /sql/:id/queries/:query_id}: forgets the latest asynchronous result; 503 while one runs. */
    private ApiResponse erase(ApiRequest r, String id) {
        SqlConnection c = authorized(r, id);
        if (!c.acquire()) {
            throw busy(id);
        }
        try {
            c.eraseLatest();
        } finally {
            c.release();
        }
        return new ApiResponse(200, null, null, null);
    }

    /**
     * {@code POST /sql/:id/cancel}: {@code KILL QUERY} of the running statement over a second connection (later:
     * it connects); 200 whether a query was running or not, as MaxScale.
     */
    private ApiResponse cancel(ApiRequest r, String id) {
        SqlConnection c = authorized(r, id);
        return ApiResponse.later(() -> {
            try {
                c.cancel();
            } catch (ServerErrorException | IOException e) {
                throw new ApiException(503, "cannot cancel the query of SQL connection '" + id + "': "
                        + e.getMessage());
            }
            return new ApiResponse(200, null, null, null);
        });
    }

    /** {@code POST /sql/:id/reconnect}: a new database connection under the same id; 204, or 503 as MaxScale. */
    private ApiResponse reconnect(ApiRequest r, String id) {
        SqlConnection c = authorized(r, id);
        return ApiResponse.later(() -> {
            if (!c.acquire()) {
                throw busy(id);
            }
            try {
                c.reconnect();
            } catch (ServerErrorException | IOException | IllegalStateException e) {
                throw new ApiException(503, "cannot reconnect SQL connection '" + id + "' to '" + c.target + "': "
                        + e.getMessage());
            } finally {
                c.release();
            }
            return ApiResponse.noContent();
        });
    }

    /** {@code POST /sql/:id/clone}: a new connection with the same target, credentials and database. */
    private ApiResponse cloneOf(ApiRequest r, String id) {
        SqlConnection c = authorized(r, id);
        return opened(r, c.target, c.options);
    }

    private static ApiException busy(String id) {
        return new ApiException(503, "SQL connection '" + id + "' is busy: it runs another query (one at a time;"
                + " POST /sql/" + id + "/cancel stops it)");
    }

    private static ApiException lost(SqlConnection c, String why) {
        return new ApiException(503, "the connection to '" + c.target + "' was lost (" + why + "); reconnect it"
                + " with POST /sql/" + c.id + "/reconnect or close it with DELETE /sql/" + c.id);
    }

    /**
     * {@code DELETE /sql/:id}: closes the connection (the client's close may write COM_QUIT, so it runs later) and
     * clears its token cookie; 503 while it runs a query, which cancel stops first.
     */
    public ApiResponse close(ApiRequest r, String id) {
        SqlConnection c = authorized(r, id);
        if (!c.acquire()) {
            throw busy(id);
        }
        open.remove(id);
        String expired = COOKIE_PREFIX + id + "=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + cookieFlags();
        return ApiResponse.later(() -> {
            c.close();
            return ApiResponse.noContent().withHeader("Set-Cookie", expired);
        });
    }

    /**
     * The connection {@code id} when the request carries its token, in the {@code token} parameter or else in the
     * cookie {@code conn_id_sig_ID}; a 400 otherwise, as MaxScale answers; 404 when no such connection is open.
     */
    private SqlConnection authorized(ApiRequest r, String id) {
        String token = r.param("token");
        if (token == null || token.isEmpty()) {
            token = r.cookie(COOKIE_PREFIX + id);
        }
        if (token == null || !id.equals(tokens.verify(token))) {
            throw ApiException.badRequest("missing or invalid connection token for SQL connection '" + id + "'"
                    + " (expected: the meta.token of POST /sql in the token parameter, or the cookie "
                    + COOKIE_PREFIX + id + " that persist=yes set)");
        }
        SqlConnection c = open.get(id);
        if (c == null) {
            throw ApiException.notFound("SQL connection '" + id + "'");
        }
        return c;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** Closes every open connection and stops the query threads; called when the admin server stops. */
    @Override
    public void close() {
        queryThreads.shutdownNow();
        timer.shutdownNow();
        for (SqlConnection c : open.values()) {
            c.close();
        }
        open.clear();
    }
}
