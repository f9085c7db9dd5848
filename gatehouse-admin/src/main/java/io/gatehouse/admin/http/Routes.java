package io.gatehouse.admin.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.admin.metrics.Health;
import io.gatehouse.admin.metrics.PrometheusMetrics;
import io.gatehouse.admin.resources.Alterations;
import io.gatehouse.admin.resources.Classify;
import io.gatehouse.admin.resources.Commands;
import io.gatehouse.admin.resources.LogEntries;
import io.gatehouse.admin.resources.LoggingInfo;
import io.gatehouse.admin.resources.Creations;
import io.gatehouse.admin.resources.FilterDocuments;
import io.gatehouse.admin.resources.Filters;
import io.gatehouse.admin.resources.GlobalChanges;
import io.gatehouse.admin.resources.Listeners;
import io.gatehouse.admin.resources.MaxScaleInfo;
import io.gatehouse.admin.resources.Modules;
import io.gatehouse.admin.resources.Monitors;
import io.gatehouse.admin.resources.Servers;
import io.gatehouse.admin.resources.Services;
import io.gatehouse.admin.resources.Sessions;
import io.gatehouse.admin.resources.SqlConnections;
import io.gatehouse.admin.gui.GuiFiles;
import io.gatehouse.admin.resources.Statistics;
import io.gatehouse.admin.resources.Users;
import java.util.List;
import java.util.Map;

/**
 * Maps a method and path to the resource that answers it; every path works with or without the {@code /v1}
 * prefix. Runs on the admin thread; authentication and roles are checked before it by {@link AdminHandler}.
 */
public final class Routes implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Routes.class);
    private final AdminContext ctx;
    private final Servers servers;
    private final Services services;
    private final Listeners listeners;
    private final Monitors monitors;
    private final Sessions sessions;
    private final MaxScaleInfo maxscale;
    private final Modules modules;
    private final Users users;
    private final Commands commands;
    private final Alterations alterations;
    private final Creations creations;
    private final Filters filters;
    private final FilterDocuments filterDocuments;
    private final LogEntries logEntries = new LogEntries();
    private final Classify classify = new Classify();
    private final Statistics statistics;
    private final SqlConnections sql;
    private final GuiFiles gui = new GuiFiles();

    public Routes(AdminContext ctx) {
        this.ctx = ctx;
        this.servers = new Servers(ctx);
        this.listeners = new Listeners(ctx);
        this.services = new Services(ctx, listeners);
        this.monitors = new Monitors(ctx);
        this.sessions = new Sessions(ctx);
        this.maxscale = new MaxScaleInfo(ctx);
        this.modules = new Modules(ctx);
        this.users = new Users(ctx);
        this.commands = new Commands(ctx);
        this.alterations = new Alterations(ctx.runtime());
        this.creations = new Creations(ctx.runtime());
        this.filters = new Filters(ctx);
        this.filterDocuments = new FilterDocuments(ctx);
        this.statistics = new Statistics(ctx);
        this.sql = new SqlConnections(ctx);
    }

    /**
     * True for paths anyone may read without credentials: the load balancers' health checks, and the GUI's static
     * files (they hold no data; the page logs in and its API calls are authenticated).
     */
    public static boolean isPublic(ApiRequest r) {
        if ("GET".equals(r.method()) || "HEAD".equals(r.method())) {
            String first = r.segment(0);
            return first == null || "gui".equals(first) || ("GET".equals(r.method()) && "health".equals(first));
        }
        return false;
    }

    /** The conditional-request state (ETag, Last-Modified) shared by every admin connection. */
    private final Conditionals conditionals = new Conditionals();

    public Conditionals conditionals() {
        return conditionals;
    }

    /** Closes what the routes hold open: the SQL editor's connections. */
    @Override
    public void close() {
        sql.close();
    }

    public ApiResponse handle(ApiRequest r) throws Exception {
        String sync = r.param("sync");
        if (sync != null && !r.method().equals("GET") && !r.method().equals("HEAD") && (sync.equalsIgnoreCase("false")
                || sync.equalsIgnoreCase("no") || sync.equalsIgnoreCase("off") || sync.equals("0"))) {
            LOG.info("Configuration sync disabled for: {} {}", r.method(), r.joined());
            return io.gatehouse.core.runtime.ConfigSync.locally(() -> route(r));
        }
        return route(r);
    }

    private ApiResponse route(ApiRequest r) throws Exception {
        JsonApi api = new JsonApi(r.baseUrl());
        return switch (r.method()) {
            case "GET", "HEAD" -> get(r, api);
            case "PUT" -> put(r);
            case "POST" -> post(r);
            case "PATCH" -> patch(r);
            case "DELETE" -> delete(r);
            default -> throw new ApiException(405, "method " + r.method() + " is not supported");
        };
    }

    private ApiResponse get(ApiRequest r, JsonApi api) {
        List<String> p = r.path();
        String a = r.segment(0);
        String b = r.segment(1);
        if (a == null || a.equals("gui")) {
            return gui.get(a == null ? List.of() : p.subList(1, p.size()));
        }
        if (a.equals("metrics")) {
            return ApiResponse.text(200, new PrometheusMetrics(ctx.runtime()).render(),
                    "text/plain; version=0.0.4; charset=utf-8");
        }
        if (a.equals("health")) {
            return new Health(ctx.runtime()).check(p);
        }
        if (a.equals("maxscale") && "debug".equals(b) && p.size() == 3) {
            return new io.gatehouse.admin.resources.DebugResources(ctx.runtime()).get(api, p.get(2));
        }
        if (a.equals("sql")) {
            return sql.get(r);
        }
        ObjectNode doc = switch (a) {
            case "servers" -> p.size() == 1 ? servers.list(api) : relationshipsOr(p, servers.one(api, b));
            case "services" -> {
                if (p.size() >= 3 && p.get(2).equals("listeners") && p.size() <= 4) {
                    Services.require(ctx.runtime(), b);
                    yield p.size() == 3 ? listeners.ofService(api, b) : listeners.oneOfService(api, b, p.get(3));
                }
                yield p.size() == 1 ? services.list(api) : relationshipsOr(p, services.one(api, b));
            }
            case "listeners" -> p.size() == 1 ? listeners.list(api) : relationshipsOr(p, listeners.one(api, b));
            case "monitors" -> p.size() == 1 ? monitors.list(api) : relationshipsOr(p, monitors.one(api, b));
            case "sessions" -> {
                ObjectNode d = p.size() == 1 ? sessions.list(api) : relationshipsOr(p, sessions.one(api, b));
                if (isTruthy(r.param("rdns"))) {
                    sessions.resolveNames(d);
                }
                yield d;
            }
            case "filters" -> p.size() == 3 ? filterDocuments.read(api, b, p.get(2))
                    : p.size() == 1 ? filters.list(api) : relationshipsOr(p, filters.one(api, b));
            case "threads" -> p.size() == 1 ? maxscale.threads(api) : maxscale.thread(api, b);
            case "maxscale" -> {
                if (b == null) {
                    yield maxscale.get(api);
                }
                yield switch (b) {
                    case "threads" -> p.size() == 2 ? maxscale.threads(api) : maxscale.thread(api, p.get(2));
                    case "modules" -> p.size() == 2 ? modules.list(api) : modules.one(api, p.get(2));
                    case "memory" -> {
                        if (p.size() != 2) {
                            throw ApiException.notFound("resource '" + r.joined() + "'");
                        }
                        yield maxscale.memory(api);
                    }
                    case "logs" -> {
                        String what = p.size() == 2 ? "" : p.size() == 3 ? p.get(2) : "?";
                        yield switch (what) {
                            case "" -> new LoggingInfo(ctx).get(api);
                            case "entries" -> logEntries.entries(api, r);
                            case "data" -> logEntries.data(api, r);
                            default -> throw ApiException.notFound("resource '" + r.joined() + "'");
                        };
                    }
                    case "query_classifier" -> {
                        if (p.size() == 2) {
                            yield new io.gatehouse.admin.resources.QcCache(ctx).properties(api);
                        }
                        if (p.size() == 3 && p.get(2).equals("cache")) {
                            yield new io.gatehouse.admin.resources.QcCache(ctx).list(api);
                        }
                        if (p.size() != 3 || !p.get(2).equals("classify")) {
                            throw ApiException.notFound("resource '" + r.joined() + "'");
                        }
                        yield classify.get(api, r.param("sql"));
                    }
                    default -> throw ApiException.notFound("resource 'maxscale/" + b + "'");
                };
            }
            case "modules" -> p.size() == 1 ? modules.list(api) : modules.one(api, b);
            case "statistics" -> {
                if (p.size() != 2 || !"statements".equals(b)) {
                    throw ApiException.notFound("resource '" + r.joined() + "'");
                }
                yield statistics.statements(api, r.param("top"));
            }
            case "users" -> {
                if (b == null) {
                    // MaxScale 24.02: all admin users, which are the network users since UNIX accounts went away.
                    yield users.list(api);
                }
                if (b.equals("unix") && p.size() == 2) {
                    // Deprecated in MaxScale and kept there as a no-op; an empty collection tells scripts so.
                    yield api.collection(List.of(), "users/unix");
                }
                if (!b.equals("inet")) {
                    throw ApiException.notFound("resource '" + r.joined() + "'");
                }
                yield p.size() == 2 ? users.list(api) : users.one(api, p.get(2));
            }
            case "auth" -> {
                // MaxScale's default life of 8 hours, or what max-age asks; never beyond admin_jwt_max_age.
                long maxAge = Math.min(8 * 3600, ctx.tokens().maxAgeSeconds());
                if (r.param("max-age") != null) {
                    maxAge = Math.min(ctx.tokens().maxAgeSeconds(), Long.parseLong(r.param("max-age")));
                }
                ObjectNode d = Json.object();
                d.putObject("meta").put("token", ctx.tokens().issue(r.user(), maxAge));
                yield d;
            }
            default -> throw ApiException.notFound("resource '" + r.joined() + "'");
        };
        if (!("maxscale".equals(a) && "logs".equals(b))) {
            // The log resources page by their own cursor; everything else takes MaxScale's common parameters.
            QueryShaping.apply(doc, r.query(), selfUrl(r));
        }
        return ApiResponse.ok(doc);
    }

    /** The request's own URL with its query, for pagination links. */
    private static String selfUrl(ApiRequest r) {
        StringBuilder sb = new StringBuilder(r.baseUrl()).append(r.joined());
        char sep = '?';
        for (Map.Entry<String, List<String>> e : r.query().entrySet()) {
            for (String v : e.getValue()) {
                sb.append(sep).append(e.getKey()).append('=').append(v);
                sep = '&';
            }
        }
        return sb.toString();
    }

    /** {@code /type/name/relationships/other} answers the relationship object; anything else the resource. */
    private static ObjectNode relationshipsOr(List<String> p, ObjectNode doc) {
        if (p.size() == 2) {
            return doc;
        }
        if (p.size() == 4 && p.get(2).equals("relationships")) {
            var rel = doc.path("data").path("relationships").path(p.get(3));
            if (rel.isMissingNode()) {
                throw ApiException.notFound("relationship '" + p.get(3) + "'");
            }
            ObjectNode d = Json.object();
            d.set("data", rel.get("data"));
            d.set("links", rel.get("links"));
            return d;
        }
        throw ApiException.notFound("resource '" + String.join("/", p) + "'");
    }

    private ApiResponse put(ApiRequest r) throws Exception {
        List<String> p = r.path();
        if (p.size() == 5 && p.get(0).equals("maxscale") && p.get(1).equals("debug") && p.get(2).equals("threads")
                && (p.get(4).equals("listen") || p.get(4).equals("unlisten"))) {
            return new io.gatehouse.admin.resources.DebugResources(ctx.runtime()).listen(p.get(3),
                    p.get(4).equals("listen"));
        }
        if (p.size() == 3 && p.get(0).equals("filters")) {
            return ApiResponse.ok(filterDocuments.write(new JsonApi(r.baseUrl()), p.get(1), p.get(2), r.body(), true));
        }
        if (p.size() != 3) {
            throw ApiException.notFound("resource '" + r.joined() + "'");
        }
        String name = p.get(1);
        String action = p.get(2);
        switch (p.get(0)) {
            case "servers" -> {
                if (!action.equals("set") && !action.equals("clear")) {
                    throw ApiException.notFound("resource '" + r.joined() + "'");
                }
                servers.changeState(name, r.param("state"), action.equals("set"),
                        "yes".equalsIgnoreCase(r.param("force")) || "true".equalsIgnoreCase(r.param("force")));
            }
            case "monitors" -> {
                Monitors.require(ctx.runtime(), name);
                switch (action) {
                    case "stop" -> ctx.runtime().stopMonitor(name);
                    case "start" -> ctx.runtime().startMonitor(name);
                    default -> throw ApiException.notFound("resource '" + r.joined() + "'");
                }
            }
            case "services" -> {
                Services.require(ctx.runtime(), name);
                switch (action) {
                    case "stop" -> {
                        ctx.runtime().stopService(name);
                        if (force(r)) {
                            // maxctrl's stop service --force: its sessions end too.
                            ctx.runtime().listenersOf(name).forEach(io.gatehouse.core.listener.Listener::closeClients);
                        }
                    }
                    case "start" -> ctx.runtime().startService(name);
                    default -> throw ApiException.notFound("resource '" + r.joined() + "'");
                }
            }
            case "listeners" -> {
                if (!ctx.runtime().listeners().containsKey(name)) {
                    throw ApiException.notFound("listener '" + name + "'");
                }
                switch (action) {
                    case "stop" -> {
                        ctx.runtime().stopListener(name);
                        if (force(r)) {
                            ctx.runtime().listeners().get(name).closeClients();
                        }
                    }
                    case "start" -> ctx.runtime().startListener(name);
                    default -> throw ApiException.notFound("resource '" + r.joined() + "'");
                }
            }
            default -> throw ApiException.notFound("resource '" + r.joined() + "'");
        }
        return ApiResponse.noContent();
    }

    private ApiResponse post(ApiRequest r) throws Exception {
        List<String> p = r.path();
        if (!p.isEmpty() && p.get(0).equals("sql")) {
            return sql.post(r);
        }
        if (p.size() == 3 && p.get(0).equals("filters")) {
            return ApiResponse.ok(filterDocuments.write(new JsonApi(r.baseUrl()), p.get(1), p.get(2), r.body(), false));
        }
        if (p.size() == 4 && p.get(0).equals("maxscale") && p.get(1).equals("modules")) {
            return commands.call(p.get(2), p.get(3), List.copyOf(r.query().keySet()));
        }
        if (p.size() == 4 && p.get(0).equals("maxscale") && p.get(1).equals("threads") && p.get(3).equals("rebalance")) {
            var work = new io.gatehouse.admin.resources.ThreadRebalance(ctx.runtime()).one(p.get(2), r.query());
            return ApiResponse.later(() -> {
                work.call();
                return ApiResponse.noContent();
            });
        }
        if (p.size() == 3 && p.get(0).equals("maxscale") && p.get(1).equals("threads") && p.get(2).equals("rebalance")) {
            var work = new io.gatehouse.admin.resources.ThreadRebalance(ctx.runtime()).all(r.query());
            return ApiResponse.later(() -> {
                work.call();
                return ApiResponse.noContent();
            });
        }
        if (p.size() == 3 && p.get(0).equals("maxscale") && p.get(1).equals("logs") && p.get(2).equals("flush")) {
            io.gatehouse.admin.logs.LogRotation.rotate();
            return ApiResponse.noContent();
        }
        if (p.size() == 3 && p.get(0).equals("maxscale") && p.get(1).equals("tls") && p.get(2).equals("reload")) {
            try {
                ctx.runtime().reloadTls();
            } catch (Exception e) {
                throw ApiException.badRequest("TLS reload failed, the old certificates stay in use: " + e.getMessage());
            }
            return ApiResponse.noContent();
        }
        if (p.size() == 3 && p.get(0).equals("services") && p.get(2).equals("reload")) {
            // As MaxScale's: the service's user accounts (and its user_accounts_file) are loaded again now.
            Services.require(ctx.runtime(), p.get(1));
            ctx.runtime().services().get(p.get(1)).users().refresh(true).get(60, java.util.concurrent.TimeUnit.SECONDS);
            return ApiResponse.noContent();
        }
        if (p.size() == 2 && p.get(0).equals("sessions") && p.get(1).equals("restart")) {
            sessions.restartAll();
            return ApiResponse.noContent();
        }
        if (p.size() == 3 && p.get(0).equals("sessions") && p.get(2).equals("restart")) {
            sessions.restart(p.get(1));
            return ApiResponse.noContent();
        }
        if (p.size() == 2 && p.get(0).equals("users") && p.get(1).equals("inet")) {
            users.create(r.body());
            return ApiResponse.noContent();
        }
        if (p.size() == 1 && Creations.typeOf(p.get(0)) != null) {
            creations.create(p.get(0), null, r.body());
            return ApiResponse.noContent();
        }
        if (p.size() == 3 && p.get(0).equals("services") && p.get(2).equals("listeners")) {
            Services.require(ctx.runtime(), p.get(1));
            creations.create("listeners", p.get(1), r.body());
            return ApiResponse.noContent();
        }
        throw ApiException.notFound("resource '" + r.joined() + "'");
    }

    private ApiResponse patch(ApiRequest r) throws Exception {
        List<String> p = r.path();
        if (p.size() == 3 && p.get(0).equals("users") && p.get(1).equals("inet")) {
            users.update(p.get(2), r.body());
            return ApiResponse.noContent();
        }
        if (p.size() == 1 && p.get(0).equals("maxscale")) {
            new GlobalChanges(ctx.runtime()).alter(r.body());
            return ApiResponse.noContent();
        }
        if (p.size() == 2 && p.get(0).equals("maxscale") && p.get(1).equals("query_classifier")) {
            new io.gatehouse.admin.resources.QcCache(ctx).alter(r.body());
            return ApiResponse.noContent();
        }
        if (p.size() == 2 && p.get(0).equals("maxscale") && p.get(1).equals("logs")) {
            // MaxScale's older logging resource (maxctrl's alter logging): its parameters are global ones.
            LoggingInfo.requireLoggingParameters(r.body());
            new GlobalChanges(ctx.runtime()).alter(r.body());
            return ApiResponse.noContent();
        }
        if (p.size() == 2 && p.get(0).equals("sessions")) {
            sessions.alter(p.get(1), r.body());
            return ApiResponse.noContent();
        }
        if (p.size() == 4 && p.get(0).equals("sessions") && p.get(2).equals("relationships")
                && p.get(3).equals("filters")) {
            sessions.alterFilters(p.get(1), r.body());
            return ApiResponse.noContent();
        }
        if (p.size() == 2) {
            alterations.alter(p.get(0), p.get(1), r.body());
            return ApiResponse.noContent();
        }
        if (p.size() == 4 && p.get(2).equals("relationships")) {
            alterations.relationship(p.get(0), p.get(1), p.get(3), r.body());
            return ApiResponse.noContent();
        }
        throw ApiException.notFound("resource '" + r.joined() + "'");
    }

    private ApiResponse delete(ApiRequest r) throws Exception {
        List<String> p = r.path();
        if (!p.isEmpty() && p.get(0).equals("sql")) {
            return sql.delete(r);
        }
        if (p.size() == 3 && p.get(0).equals("filters")) {
            return ApiResponse.ok(filterDocuments.remove(new JsonApi(r.baseUrl()), p.get(1), p.get(2), r.query()));
        }
        if (p.size() == 3 && p.get(0).equals("users") && p.get(1).equals("inet")) {
            users.delete(p.get(2));
            return ApiResponse.noContent();
        }
        if (p.size() == 2 && p.get(0).equals("sessions")) {
            long id = parseId(p.get(1));
            long ttl = r.param("ttl") == null ? 0 : parseId(r.param("ttl"));
            if (ttl > 0) {
                // maxctrl's destroy session --ttl: the session has that many seconds to finish, then is closed.
                if (ctx.runtime().sessions().snapshot(id) == null) {
                    throw ApiException.notFound("session '" + p.get(1) + "'");
                }
                var sessionsRegistry = ctx.runtime().sessions();
                java.util.concurrent.CompletableFuture.delayedExecutor(ttl, java.util.concurrent.TimeUnit.SECONDS)
                        .execute(() -> sessionsRegistry.close(id));
            } else if (!ctx.runtime().sessions().close(id)) {
                throw ApiException.notFound("session '" + p.get(1) + "'");
            }
            return ApiResponse.noContent();
        }
        if (p.size() == 2 && p.get(0).equals("statistics") && p.get(1).equals("statements")) {
            statistics.reset();
            return ApiResponse.noContent();
        }
        boolean force = "yes".equalsIgnoreCase(r.param("force")) || "true".equalsIgnoreCase(r.param("force"));
        if (p.size() == 2 && Creations.typeOf(p.get(0)) != null) {
            creations.destroy(p.get(0), p.get(1), force);
            return ApiResponse.noContent();
        }
        if (p.size() == 4 && p.get(0).equals("services") && p.get(2).equals("listeners")) {
            creations.destroy("listeners", p.get(3), force);
            return ApiResponse.noContent();
        }
        throw ApiException.notFound("resource '" + r.joined() + "'");
    }

    private static boolean force(ApiRequest r) {
        return "yes".equalsIgnoreCase(r.param("force")) || "true".equalsIgnoreCase(r.param("force"));
    }

    /** A query option MaxScale reads as true: {@code true}, {@code yes}, {@code on} or {@code 1}. */
    private static boolean isTruthy(String v) {
        return v != null && (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("on")
                || v.equals("1"));
    }

    private static long parseId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
