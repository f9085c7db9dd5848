package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.auth.JwtTokens;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.http.ApiRequest;
import io.gatehouse.admin.http.ApiResponse;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.core.listener.Listener;
import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.ColumnTypes;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.QueryResult;
import io.gatehouse.protocol.client.ServerErrorException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code /sql} resource, MaxScale's query-editor API: {@code POST /sql} opens a database connection to a server,
 * a service or a listener with the caller's database credentials and answers its id and a connection token;
 * {@code POST /sql/:id/queries} runs SQL on it and answers every result; {@code GET} lists, {@code DELETE} closes.
 * Checks run on the admin event loop; connecting and querying block, so they are answered later on the admin
 * command executor with the small blocking client of gatehouse-protocol (never on a routing worker). A connection
 * serves one request at a time; no Netty buffers are touched.
 */
public final class SqlConnections implements AutoCloseable {
    /** More open editor connections than this is refused: each holds a backend connection. */
    static final int MAX_CONNECTIONS = 64;
    private static final int DEFAULT_MAX_ROWS = 1000;

    private final AdminContext ctx;
    /** Connection tokens are signed apart from the admin login tokens, so neither can stand in for the other. */
    private final JwtTokens tokens = new JwtTokens("gatehouse-sql");
    private final Map<String, Conn> open = new ConcurrentHashMap<>();

    /** One open connection: its client, what it connects to, and the request count that names its queries. */
    private static final class Conn {
        final String id;
        final String target;
        final BlockingClient client;
        final AtomicBoolean busy = new AtomicBoolean();
        final AtomicLong queries = new AtomicLong();
        volatile long lastUsedNanos = System.nanoTime();
        volatile String lastSql;

        Conn(String id, String target, BlockingClient client) {
            this.id = id;
            this.target = target;
            this.client = client;
        }
    }

    public SqlConnections(AdminContext ctx) {
        this.ctx = ctx;
    }

    /** {@code GET /sql}. */
    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        for (Conn c : open.values()) {
            all.add(resource(api, c));
        }
        return api.collection(all, "sql");
    }

    /** {@code GET /sql/:id}. */
    public ObjectNode one(JsonApi api, String id) {
        Conn c = open.get(id);
        if (c == null) {
            throw ApiException.notFound("SQL connection '" + id + "'");
        }
        return api.document(resource(api, c), "sql/" + id);
    }

    private static ObjectNode resource(JsonApi api, Conn c) {
        ObjectNode r = api.resource(c.id, "sql", "sql/" + c.id);
        ObjectNode a = (ObjectNode) r.get("attributes");
        a.put("target", c.target);
        a.put("thread_id", c.client.connectionId());
        a.put("seconds_idle", (System.nanoTime() - c.lastUsedNanos) / 1e9);
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
        long maxAge = 28800;
        String maxAgeParam = r.param("max-age");
        if (maxAgeParam != null && maxAgeParam.matches("[0-9]+") && Long.parseLong(maxAgeParam) > 0) {
            maxAge = Long.parseLong(maxAgeParam);
        }
        if ("yes".equals(r.param("persist"))) {
            throw ApiException.badRequest("persist=yes (token in a cookie) is not supported: use the token of meta.token"
                    + " in the token parameter");
        }
        ClientOptions opts = address(target, user, password).withTimeouts(Duration.ofSeconds(timeout));
        if (db != null && !db.isEmpty()) {
            opts = opts.withDatabase(db);
        }
        ClientOptions finalOpts = opts;
        long age = maxAge;
        JsonApi api = new JsonApi(r.baseUrl());
        return ApiResponse.later(() -> {
            if (open.size() >= MAX_CONNECTIONS) {
                throw new ApiException(503, "too many open SQL connections (" + MAX_CONNECTIONS + "); close one first");
            }
            BlockingClient client;
            try {
                client = BlockingClient.connect(finalOpts);
            } catch (ServerErrorException e) {
                throw ApiException.badRequest("cannot connect to '" + target + "': " + e.getMessage());
            } catch (IOException e) {
                throw new ApiException(503, "cannot connect to '" + target + "': " + e.getMessage());
            }
            String id = UUID.randomUUID().toString();
            Conn c = new Conn(id, target, client);
            open.put(id, c);
            ObjectNode doc = api.document(resource(api, c), "sql/" + id);
            doc.putObject("meta").put("token", tokens.issue(id, age));
            return new ApiResponse(201, doc, null, "application/json");
        });
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

    /** {@code POST /sql/:id/queries}: runs {@code sql} later and answers every result it gave. */
    public ApiResponse query(ApiRequest r, String id) {
        Conn c = authorized(r, id);
        JsonNode body = r.body();
        String sql = body == null ? null : text(body, "sql");
        if (sql == null || sql.isBlank()) {
            throw ApiException.badRequest("POST /sql/:id/queries needs a JSON object with the field sql");
        }
        if ("true".equals(r.param("async"))) {
            throw ApiException.badRequest("async=true is not supported: queries are answered when they finish");
        }
        int maxRows = body.path("max_rows").canConvertToInt() ? body.get("max_rows").asInt() : DEFAULT_MAX_ROWS;
        if (maxRows < 0) {
            throw ApiException.badRequest("max_rows: " + maxRows + " (expected: 0 for no limit, or a positive number)");
        }
        JsonApi api = new JsonApi(r.baseUrl());
        return ApiResponse.later(() -> {
            if (!c.busy.compareAndSet(false, true)) {
                throw new ApiException(503, "SQL connection '" + id + "' is running another query");
            }
            try {
                return run(api, c, sql, maxRows);
            } finally {
                c.lastUsedNanos = System.nanoTime();
                c.busy.set(false);
            }
        });
    }

    private ApiResponse run(JsonApi api, Conn c, String sql, int maxRows) {
        c.lastSql = sql;
        String queryId = c.id + "." + c.queries.incrementAndGet();
        long start = System.nanoTime();
        ArrayNode results = Json.MAPPER.createArrayNode();
        try {
            for (QueryResult q : c.client.queryAll(sql)) {
                results.add(result(q, maxRows));
            }
        } catch (ServerErrorException e) {
            // The blocking client drops the results before an error; the error is what the editor must show.
            results.addObject().put("errno", e.code()).put("message", e.serverMessage()).put("sqlstate", e.sqlState());
        } catch (IOException e) {
            throw new ApiException(503, "the connection to '" + c.target + "' was lost (" + e.getMessage()
                    + "); close it with DELETE /sql/" + c.id);
        }
        ObjectNode res = api.resource(queryId, "queries", "sql/" + c.id + "/queries/" + queryId);
        res.remove("links");
        ObjectNode a = (ObjectNode) res.get("attributes");
        a.put("execution_time", (System.nanoTime() - start) / 1e9);
        a.set("results", results);
        a.put("sql", sql);
        ObjectNode doc = api.document(res, "sql/" + c.id + "/queries/" + queryId);
        return new ApiResponse(201, doc, null, "application/json");
    }

    private static ObjectNode result(QueryResult q, int maxRows) {
        ObjectNode o = Json.object();
        if (!q.isResultSet()) {
            o.put("affected_rows", q.affectedRows()).put("last_insert_id", q.lastInsertId()).put("warnings", q.warnings());
            return o;
        }
        ArrayNode fields = o.putArray("fields");
        q.columnNames().forEach(fields::add);
        ArrayNode data = o.putArray("data");
        int n = maxRows == 0 ? q.rowCount() : Math.min(maxRows, q.rowCount());
        for (int i = 0; i < n; i++) {
            ArrayNode row = data.addArray();
            List<String> values = q.rows().get(i);
            for (int c = 0; c < values.size(); c++) {
                addValue(row, q.columns().get(c).type(), values.get(c));
            }
        }
        o.put("complete", n == q.rowCount());
        return o;
    }

    /** Integers and floating-point columns as JSON numbers, as MaxScale answers them; the rest as text or null. */
    private static void addValue(ArrayNode row, int type, String v) {
        if (v == null) {
            row.addNull();
            return;
        }
        try {
            switch (type) {
                case ColumnTypes.TINY, ColumnTypes.SHORT, ColumnTypes.LONG, ColumnTypes.INT24, ColumnTypes.LONGLONG,
                        ColumnTypes.YEAR -> row.add(new java.math.BigInteger(v));
                case ColumnTypes.FLOAT, ColumnTypes.DOUBLE -> row.add(Double.parseDouble(v));
                case ColumnTypes.NEWDECIMAL -> row.add(new java.math.BigDecimal(v));
                default -> row.add(v);
            }
        } catch (NumberFormatException e) {
            // inf, nan and the like have no JSON number.
            row.add(v);
        }
    }

    /** {@code DELETE /sql/:id}: closes the connection (the client's close may write COM_QUIT, so it runs later). */
    public ApiResponse close(ApiRequest r, String id) {
        Conn c = authorized(r, id);
        open.remove(id);
        return ApiResponse.later(() -> {
            c.client.close();
            return ApiResponse.noContent();
        });
    }

    /** The connection {@code id} when the request carries its token; a 400 otherwise, as MaxScale answers. */
    private Conn authorized(ApiRequest r, String id) {
        String token = r.param("token");
        if (token == null || !id.equals(tokens.verify(token))) {
            throw ApiException.badRequest("missing or invalid connection token for SQL connection '" + id + "'"
                    + " (expected: the meta.token of POST /sql in the token parameter)");
        }
        Conn c = open.get(id);
        if (c == null) {
            throw ApiException.notFound("SQL connection '" + id + "'");
        }
        return c;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** Closes every open connection; called when the admin server stops. */
    @Override
    public void close() {
        for (Conn c : open.values()) {
            c.client.close();
        }
        open.clear();
    }
}
