package io.gatehouse.admin;

import io.gatehouse.admin.auth.AdminUsers;
import io.gatehouse.admin.auth.JwtTokens;
import io.gatehouse.admin.http.AdminHandler;
import io.gatehouse.admin.http.Routes;
import io.gatehouse.core.runtime.Runtime;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.gatehouse.admin.tls.AdminTls;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server: MaxScale's REST API, metrics and health endpoints on {@code admin_host:admin_port}, over
 * HTTPS when {@code admin_ssl_key} and {@code admin_ssl_cert} are set. It has
 * its own event loop group of one thread, so admin work (including module commands that wait for a monitor) never
 * runs on a routing worker. Started after the runtime and closed before it, from the main thread.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    private final AdminContext ctx;
    private EventLoopGroup group;
    /** Module commands (switchover and the like) wait here, not on the event loop; a few at once at most. */
    private final java.util.concurrent.ThreadPoolExecutor commandRunner = new java.util.concurrent.ThreadPoolExecutor(
            0, 4, 60, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
            new DefaultThreadFactory("gatehouse-admin-command", true));
    private Channel channel;
    private Routes routes;

    public AdminServer(Runtime runtime, AdminSettings settings) {
        this(runtime, settings, new JwtTokens("gatehouse"));
    }

    private AdminServer(Runtime runtime, AdminSettings settings, JwtTokens tokens) {
        this.ctx = new AdminContext(runtime, new AdminUsers(settings.datadir()), tokens, settings);
    }

    /** Starts the server for the runtime's {@code [maxscale]} settings; returns null when {@code admin_enabled=false}. */
    public static AdminServer startFor(Runtime runtime) throws Exception {
        AdminSettings settings = AdminSettings.from(runtime.config().global());
        if (!settings.enabled()) {
            return null;
        }
        io.gatehouse.api.config.Params g = runtime.config().global();
        JwtTokens tokens;
        try {
            tokens = JwtTokens.of(g.string("admin_jwt_algorithm"), g.has("admin_jwt_key") ? g.string("admin_jwt_key")
                    : null, g.string("admin_jwt_issuer"), g.duration("admin_jwt_max_age").toSeconds(),
                    settings.sslKey(), settings.sslCert());
        } catch (Exception e) {
            throw new Exception("admin API cannot sign tokens: " + e.getMessage(), e);
        }
        AdminServer s = new AdminServer(runtime, settings, tokens);
        s.start();
        return s;
    }

    /** Binds and starts answering; throws when the address cannot be bound. */
    public void start() throws Exception {
        SslContext tls;
        try {
            tls = AdminTls.serverContext(ctx.settings());
        } catch (Exception e) {
            throw new Exception("admin API cannot use TLS: " + e.getMessage(), e);
        }
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gatehouse-admin", true), NioIoHandler.newFactory());
        routes = new Routes(ctx);
        Routes routes = this.routes;
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new AdminHandler(ctx, routes, commandRunner));
                    }
                });
        try {
            channel = b.bind(new InetSocketAddress(ctx.settings().host(), ctx.settings().port())).sync().channel();
        } catch (Exception e) {
            close();
            throw new Exception("admin API cannot listen on " + ctx.settings().host() + ":" + ctx.settings().port()
                    + ": " + e.getMessage(), e);
        }
        // Attached after the daemon has set up Logback, so that the ring sees what the log file sees.
        io.gatehouse.admin.logs.LogRing.install();
        LOG.info("Admin API listening on {}://{}:{}", tls != null ? "https" : "http", ctx.settings().host(), port());
    }

    /** The port actually bound (the real one when {@code admin_port=0}). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public AdminContext context() {
        return ctx;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
        commandRunner.shutdownNow();
        if (routes != null) {
            routes.close();
            routes = null;
        }
    }
}
