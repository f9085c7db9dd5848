package io.gatehouse.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.auth.AdminUsers;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one admin HTTP request, authenticates it (HTTP Basic or a bearer token from {@code /v1/auth}), checks the
 * role (read-only users may only GET), hands it to {@link Routes} and writes the answer. Runs on the admin server's
 * single event loop, never a routing worker, except the part of a module command that waits for its monitor, which
 * runs on the command executor; the aggregated request buffer is released by
 * {@link SimpleChannelInboundHandler} after this handler returns, and the response buffer is owned by Netty once
 * written.
 */
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private final AdminContext ctx;
    private final Routes routes;
    private final Executor commandRunner;

    /** {@code commandRunner} runs the answers that wait for a monitor (module commands), off the event loop. */
    public AdminHandler(AdminContext ctx, Routes routes, Executor commandRunner) {
        this.ctx = ctx;
        this.routes = routes;
        this.commandRunner = commandRunner;
    }

    /** Answer of a request that became a WebSocket: the handshake wrote the reply already. */
    private static final ApiResponse UPGRADED = new ApiResponse(101, null, null, null);

    /** The admin_audit file, shared by every admin connection of the process. */
    private static final io.gatehouse.admin.logs.AdminAudit AUDIT = new io.gatehouse.admin.logs.AdminAudit();
    /** What the request being answered on this connection revealed, for the audit row. */
    private String requestUser;
    private JsonNode requestBody;
    private boolean requestAuthFailed;
    /** Set-Cookie values of the answer being written ({@code /auth?persist=yes}). */
    private List<String> setCookies = List.of();

    @Override
    protected void channelRead0(ChannelHandlerContext c, FullHttpRequest req) {
        // X-HTTP-Method-Override: clients limited to GET and PUT send the method they mean in this header.
        String override = req.headers().get("X-HTTP-Method-Override");
        if (override != null && List.of("GET", "HEAD", "PUT", "POST", "PATCH", "DELETE").contains(override.trim())) {
            req.setMethod(io.netty.handler.codec.http.HttpMethod.valueOf(override.trim()));
        }
        String method = req.method().name();
        String uri = req.uri();
        boolean head = method.equals("HEAD");
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        long start = System.nanoTime();
        requestUser = null;
        requestBody = null;
        requestAuthFailed = false;
        setCookies = List.of();
        // A script's request (the web GUI's) marks itself; a Basic challenge on its 401 would make the browser open
        // its own password dialog instead of letting the page show the failure.
        boolean challenge = !req.headers().contains("X-Requested-With");
        boolean reading = head || method.equals("GET");
        HttpHeaders asked = reading ? req.headers().copy() : null;
        ApiResponse resp = answer(() -> handle(c, req), method, uri);
        if (resp == UPGRADED) {
            audit(c, method, uri, 101, start);             // the handshake answered; this handler is leaving
            return;
        }
        if (resp.later() == null) {
            audit(c, method, uri, resp.status(), start);
            noteChange(reading, resp.status());
            write(c, head, keepAlive, challenge, resp, asked);
            return;
        }
        String user = requestUser;
        JsonNode body = requestBody;
        // A module command waits for a monitor (a switchover takes seconds): it runs on the command executor so
        // this event loop keeps answering other clients, health checks included. This connection reads nothing
        // more until the answer is written, so its answers stay in request order.
        c.channel().config().setAutoRead(false);
        try {
            commandRunner.execute(() -> {
                ApiResponse done = answer(resp.later(), method, uri);
                c.channel().eventLoop().execute(() -> {
                    requestUser = user;
                    requestBody = body;
                    audit(c, method, uri, done.status(), start);
                    noteChange(reading, done.status());
                    write(c, head, keepAlive, challenge, done, asked);
                    c.channel().config().setAutoRead(true);
                });
            });
        } catch (RejectedExecutionException e) {
            write(c, head, keepAlive, challenge, new ApiResponse(503, JsonApi.error("too many module commands under way;"
                    + " try again when one has finished"), null, "application/json"), null);
            c.channel().config().setAutoRead(true);
        }
    }

    /**
     * {@code GET /maxscale/logs/stream}: upgrades this connection to a WebSocket and hands it to a {@link
     * io.gatehouse.admin.logs.LogStream} in place of this handler; without an upgrade request, 426 as MaxScale.
     */
    private ApiResponse streamLogs(ChannelHandlerContext c, FullHttpRequest req, ApiRequest r, String host)
            throws ApiException {
        if (!"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
            throw new ApiException(426, "Upgrade Required: /v1/maxscale/logs/stream streams the log over a WebSocket;"
                    + " connect with a WebSocket client");
        }
        long cursor;
        try {
            cursor = r.param("page[cursor]") == null ? 0 : Long.parseLong(r.param("page[cursor]"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("page[cursor]: '" + r.param("page[cursor]") + "' (expected: a log entry id)");
        }
        var priorities = io.gatehouse.admin.resources.LogEntries.priorities(r.param("priority"));
        var handshaker = new io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory(
                (ctx.settings().secure() ? "wss://" : "ws://") + host + "/v1/maxscale/logs/stream", null, false, 65536)
                .newHandshaker(req);
        if (handshaker == null) {
            io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory
                    .sendUnsupportedVersionResponse(c.channel());
            return UPGRADED;
        }
        handshaker.handshake(c.channel(), req).addListener(f -> {
            if (f.isSuccess()) {
                c.pipeline().replace(this, "log-stream", new io.gatehouse.admin.logs.LogStream(priorities, cursor));
            } else {
                c.close();
            }
        });
        return UPGRADED;
    }

    /** A write that succeeded moves Last-Modified, so copies read before it are no longer current. */
    private void noteChange(boolean reading, int status) {
        if (!reading && status >= 200 && status < 300) {
            routes.conditionals().changed();
        }
    }

    /**
     * If-Match and If-Unmodified-Since of a write, checked against the changes made through the API since (the
     * resource must still answer a GET of the same path); a failed one is refused with 412 before anything changes.
     */
    private void checkPrecondition(FullHttpRequest req, ApiRequest r) throws ApiException {
        String failed = routes.conditionals().failedPrecondition(req.headers(), () -> {
            try {
                ApiResponse now = routes.handle(new ApiRequest("GET", r.path(), java.util.Map.of(), null, r.user(),
                        r.baseUrl()));
                return now.status() == 200;
            } catch (Exception e) {
                return false;                              // no such resource: nothing can match
            }
        });
        if (failed != null) {
            throw new ApiException(412, "Precondition Failed: " + failed);
        }
    }

    private void audit(ChannelHandlerContext c, String method, String uri, int status, long startNanos) {
        String client = c.channel().remoteAddress() instanceof InetSocketAddress isa && isa.getAddress() != null
                ? isa.getAddress().getHostAddress() : String.valueOf(c.channel().remoteAddress());
        AUDIT.record(currentGlobal(), new io.gatehouse.admin.logs.AdminAudit.Entry(requestUser, client, uri, method,
                status, (System.nanoTime() - startNanos) / 1000, requestBody, requestAuthFailed));
    }

    /** Runs {@code work}, turning its failures into error answers. */
    private static ApiResponse answer(Callable<ApiResponse> work, String method, String uri) {
        try {
            return work.call();
        } catch (ApiException e) {
            return new ApiResponse(e.status(), JsonApi.error(e.getMessage()), null, "application/json");
        } catch (IllegalArgumentException e) {
            return new ApiResponse(400, JsonApi.error(e.getMessage()), null, "application/json");
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Admin request {} {} failed", method, uri, e);
            return new ApiResponse(500, JsonApi.error(String.valueOf(e.getMessage())), null, "application/json");
        }
    }

    private ApiResponse handle(ChannelHandlerContext c, FullHttpRequest req) throws Exception {
        if (!req.decoderResult().isSuccess()) {
            throw ApiException.badRequest("malformed HTTP request");
        }
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        List<String> path = new ArrayList<>();
        for (String seg : qs.rawPath().split("/")) {
            if (!seg.isEmpty()) {
                path.add(QueryStringDecoder.decodeComponent(seg));
            }
        }
        if (!path.isEmpty() && path.get(0).equals("v1")) {
            path.remove(0);
        }
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            host = ctx.settings().host() + ":" + ((InetSocketAddress) c.channel().localAddress()).getPort();
        }
        JsonNode body = null;
        ByteBuf content = req.content();
        if (content.isReadable()) {
            try {
                body = Json.MAPPER.readTree(content.toString(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw ApiException.badRequest("request body is not valid JSON: " + e.getMessage());
            }
        }
        requestBody = body;
        ApiRequest r = new ApiRequest(req.method().name(), List.copyOf(path), qs.parameters(), body, null,
                (ctx.settings().secure() ? "https://" : "http://") + host + "/v1/", cookies(req));
        if (!Routes.isPublic(r)) {
            AdminUsers.AdminUser user = authenticate(c, req);
            requestAuthFailed = user == null;
            requestUser = user == null ? null : user.name();
            if (user == null) {
                throw new ApiException(401, "Unauthorized: invalid or missing credentials");
            }
            if ("auth".equals(r.segment(0)) && !isBasic(req)) {
                // Otherwise a stolen token could be renewed forever without the password.
                throw new ApiException(401, "Unauthorized: /v1/auth issues tokens only for a user name and password"
                        + " (HTTP Basic), not for a token");
            }
            boolean reading = r.method().equals("GET") || r.method().equals("HEAD");
            if (!reading && !user.mayWrite()) {
                throw new ApiException(403, "Forbidden: user '" + user.name() + "' has read-only access");
            }
            hostRules(c, reading);
            r = new ApiRequest(r.method(), r.path(), r.query(), r.body(), user.name(), r.baseUrl(), r.cookies());
            if (!reading) {
                checkPrecondition(req, r);
            }
            if (reading && r.path().equals(List.of("maxscale", "logs", "stream"))) {
                return streamLogs(c, req, r, host);
            }
        }
        ApiResponse resp = routes.handle(r);
        if ("auth".equals(r.segment(0)) && r.path().size() == 1 && "yes".equals(r.param("persist"))
                && resp.json() != null) {
            return persistToken(resp.json().path("meta").path("token").asText(), r);
        }
        return resp;
    }

    /**
     * {@code /auth?persist=yes}, as MaxScale's GUI logs in: the token goes into the HttpOnly cookie
     * {@code token_sig} instead of the body, so that page scripts never hold it, and SameSite=Strict so that other
     * sites' pages cannot make the browser send it.
     */
    private ApiResponse persistToken(String token, ApiRequest r) {
        // Max-Age only when the client asked for a lifetime, as MaxScale does; otherwise a browser-session cookie.
        String maxAge = "";
        if (r.param("max-age") != null) {
            maxAge = "; Max-Age=" + Math.min(ctx.tokens().maxAgeSeconds(), Long.parseLong(r.param("max-age")));
        }
        setCookies = List.of("token_sig=" + token + "; Path=/" + maxAge + "; HttpOnly; SameSite=Strict"
                + (ctx.settings().secure() ? "; Secure" : ""));
        return ApiResponse.noContent();
    }

    /**
     * The token a browser sends back after {@code /auth?persist=yes}: {@code token_sig} holding it whole, or, from
     * older MaxScale GUIs, {@code token_body} and {@code token_sig} holding its two halves; null without them.
     */
    private static String cookieToken(FullHttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        String body = null;
        String sig = null;
        for (io.netty.handler.codec.http.cookie.Cookie c
                : io.netty.handler.codec.http.cookie.ServerCookieDecoder.STRICT.decode(header)) {
            if (c.name().equals("token_body")) {
                body = c.value();
            } else if (c.name().equals("token_sig")) {
                sig = c.value();
            }
        }
        if (sig != null && sig.chars().filter(ch -> ch == '.').count() == 2) {
            return sig;                                    // MaxScale 24.02: the whole token in token_sig
        }
        return body != null && sig != null ? body + "." + sig : null;   // older GUIs: header.claims + signature
    }

    /** The request's cookies by name (the last of a repeated name); a malformed one is left out. */
    private static java.util.Map<String, String> cookies(FullHttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> all = new java.util.HashMap<>();
        for (io.netty.handler.codec.http.cookie.Cookie c
                : io.netty.handler.codec.http.cookie.ServerCookieDecoder.LAX.decode(header)) {
            all.put(c.name(), c.value());
        }
        return all;
    }

    /**
     * admin_readwrite_hosts and admin_readonly_hosts: a client host in neither list is refused, one only in the
     * read-only list may only read. Patterns as in account hosts ({@code %}, {@code _}, {@code address/netmask});
     * one with letters is matched against the client's host name, looked up here on the admin thread.
     */
    private void hostRules(ChannelHandlerContext c, boolean reading) throws ApiException {
        io.gatehouse.api.config.Params g = ctx.runtime().config().global();
        String rw = g.has("admin_readwrite_hosts") ? g.string("admin_readwrite_hosts") : "%";
        String ro = g.has("admin_readonly_hosts") ? g.string("admin_readonly_hosts") : "%";
        if (!(c.channel().remoteAddress() instanceof InetSocketAddress isa) || isa.getAddress() == null) {
            return;                                        // a unix socket has no host to judge
        }
        java.net.InetAddress addr = isa.getAddress();
        if (hostListed(rw, addr)) {
            return;
        }
        if (!hostListed(ro, addr)) {
            throw new ApiException(403, "Forbidden: admin access from " + addr.getHostAddress()
                    + " is not allowed (admin_readwrite_hosts, admin_readonly_hosts)");
        }
        if (!reading) {
            throw new ApiException(403, "Forbidden: only reading is allowed from " + addr.getHostAddress()
                    + " (admin_readonly_hosts)");
        }
    }

    private static boolean hostListed(String list, java.net.InetAddress addr) {
        String ip = addr.getHostAddress();
        String name = null;
        for (String p : list.split(",")) {
            String pattern = p.trim();
            if (pattern.isEmpty()) {
                continue;
            }
            if (io.gatehouse.core.users.HostPattern.matches(pattern, ip, true)) {
                return true;
            }
            if (!pattern.equalsIgnoreCase("localhost") && pattern.chars().anyMatch(Character::isLetter)
                    && pattern.indexOf(':') < 0) {
                name = name != null ? name : addr.getCanonicalHostName();
                if (io.gatehouse.core.users.HostPattern.matches(pattern.toLowerCase(java.util.Locale.ROOT),
                        name.toLowerCase(java.util.Locale.ROOT), true)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isBasic(FullHttpRequest req) {
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        return auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6);
    }

    private AdminUsers.AdminUser authenticate(ChannelHandlerContext c, FullHttpRequest req) {
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth == null) {
            String token = cookieToken(req);
            String user = token == null ? null : ctx.tokens().verify(token);
            return user == null ? null : ctx.users().get(user);
        }
        if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String user = ctx.tokens().verify(auth.substring(7).trim());
            return user == null ? null : ctx.users().get(user);
        }
        if (!auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        boolean loopback = c.channel().remoteAddress() instanceof InetSocketAddress isa
                && isa.getAddress() != null && isa.getAddress().isLoopbackAddress();
        AdminUsers.AdminUser u = ctx.users().authenticate(decoded.substring(0, colon), decoded.substring(colon + 1), loopback);
        if (u == null && logAuthFailures()) {
            LOG.warn("Admin API: authentication failed for '{}' from {}", decoded.substring(0, colon),
                    c.channel().remoteAddress());
        }
        return u;
    }

    /** admin_log_auth_failures, as the configuration says now (it may change at runtime). */
    private boolean logAuthFailures() {
        io.gatehouse.api.config.Params g = currentGlobal();
        return !g.has("admin_log_auth_failures") || g.bool("admin_log_auth_failures");
    }

    /** The global parameters as they are now, runtime changes included. */
    private io.gatehouse.api.config.Params currentGlobal() {
        try {
            return io.gatehouse.core.runtime.RuntimeChanges.of(ctx.runtime()).current().global();
        } catch (io.gatehouse.core.config.ConfigException e) {
            return ctx.runtime().config().global();
        }
    }

    /** {@code asked}: the headers of a GET or HEAD, whose JSON answer gets ETag and Last-Modified (or a 304). */
    private void write(ChannelHandlerContext c, boolean head, boolean keepAlive, boolean challenge,
                       ApiResponse resp, HttpHeaders asked) {
        byte[] bytes;
        if (resp.json() != null) {
            try {
                bytes = Json.MAPPER.writeValueAsBytes(resp.json());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        } else if (resp.text() != null) {
            bytes = resp.text().getBytes(StandardCharsets.UTF_8);
        } else {
            bytes = new byte[0];
        }
        int status = resp.status();
        String etag = null;
        if (asked != null && status == 200 && resp.json() != null) {
            etag = routes.conditionals().etag(bytes);
            if (routes.conditionals().notModified(asked, etag)) {
                status = 304;
                head = true;                               // a 304 has no body
            }
        }
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        if (etag != null) {
            out.headers().set(HttpHeaderNames.ETAG, etag);
            out.headers().set(HttpHeaderNames.LAST_MODIFIED, routes.conditionals().lastModified());
            // Without it a browser may answer the GUI's polls from its cache, heuristically, on Last-Modified alone;
            // no-cache makes it ask every time (and the tag keeps unchanged answers cheap).
            out.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        }
        if (resp.contentType() != null) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, resp.contentType());
        }
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, head ? 0 : bytes.length);
        for (String cookie : setCookies) {
            out.headers().add(HttpHeaderNames.SET_COOKIE, cookie);
        }
        for (var h : resp.headers()) {
            out.headers().add(h.getKey(), h.getValue());
        }
        if (resp.status() == 401 && challenge) {
            out.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\"");
        }
        if (keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            c.writeAndFlush(out);
        } else {
            c.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        LOG.debug("Admin connection error: {}", cause.toString());
        c.close();
    }
}
