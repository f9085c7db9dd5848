package io.gatehouse.core.listener;

import io.gatehouse.api.config.Params;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.ProxyContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.DomainSocketAddress;
import io.gatehouse.core.session.ClientSettings;
import io.gatehouse.core.session.TrustedNetworks;
import io.gatehouse.core.tls.ReloadableTls;
import io.gatehouse.core.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener: one bound socket (TCP address and port, or a unix socket) feeding one service. The acceptor loop
 * hands each new client to a routing worker, where its {@link ClientSession} lives. Started and stopped on the
 * main thread; holds no buffers.
 */
public final class Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    private final String name;
    private final Params params;
    private final Service service;
    private final AtomicLong accepted = new AtomicLong();
    private final ClientSettings clients;
    private Channel channel;

    /** Throws {@link IllegalArgumentException} naming the parameter when its TLS or network settings are unusable. */
    public Listener(String name, Params params, Service service) {
        this.name = name;
        this.params = params;
        this.service = service;
        this.clients = clientSettings(params);
    }

    /**
     * What a listener section decides for its clients, built as the listener would (certificates read, networks
     * and the user mapping parsed); a configuration check runs it too. Throws {@link IllegalArgumentException}
     * naming the parameter.
     */
    public static ClientSettings clientSettings(Params p) {
        ReloadableTls tls;
        try {
            tls = ReloadableTls.forListener(TlsSettings.of(p, true));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("[" + p.section() + "] ssl: cannot set up TLS: " + e.getMessage(), e);
        }
        TrustedNetworks networks;
        try {
            networks = TrustedNetworks.parse(p.has("proxy_protocol_networks") ? p.string("proxy_protocol_networks") : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + p.section() + "] proxy_protocol_networks: " + e.getMessage(), e);
        }
        Duration init = p.has("connection_init_timeout") ? p.duration("connection_init_timeout")
                : ClientSettings.PLAIN.initTimeout();
        long maxPacket = p.has("max_packet_size") ? p.size("max_packet_size") : ClientSettings.PLAIN.maxPacketSize();
        io.gatehouse.core.users.UserMapping mapping = null;
        if (p.has("user_mapping_file") && p.string("user_mapping_file") != null) {
            try {
                mapping = io.gatehouse.core.users.UserMapping.load(Path.of(p.string("user_mapping_file")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[" + p.section() + "] user_mapping_file: " + e.getMessage(), e);
            }
        }
        java.util.Map<String, String> auth = authenticatorOptions(p);
        java.security.KeyPair rsa = null;
        if (auth.containsKey("ed_rsa_privkey_path") || auth.containsKey("ed_rsa_pubkey_path")) {
            try {
                rsa = io.gatehouse.core.tls.PemKeys.rsaPair(Path.of(auth.get("ed_rsa_privkey_path")),
                        Path.of(auth.get("ed_rsa_pubkey_path")));
            } catch (Exception e) {
                throw new IllegalArgumentException("[" + p.section() + "] authenticator_options: ed_rsa_privkey_path/"
                        + "ed_rsa_pubkey_path: " + e.getMessage(), e);
            }
        }
        return new ClientSettings(tls, init, maxPacket, networks, mapping,
                Boolean.parseBoolean(auth.get("skip_authentication")),
                Boolean.parseBoolean(auth.get("clear_pw_passthrough")),
                Boolean.parseBoolean(auth.get("clear_pw_without_tls")), "sha256".equals(auth.get("ed_mode")), rsa);
    }

    /**
     * MaxScale's {@code authenticator_options} ({@code key=value,...}) of the mariadbauth and ed25519auth
     * authenticators, checked: unknown keys and bad values are refused with their name.
     */
    private static java.util.Map<String, String> authenticatorOptions(Params p) {
        String text = p.has("authenticator_options") ? p.string("authenticator_options") : null;
        java.util.Map<String, String> out = new java.util.HashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            String[] kv = pair.trim().split("=", 2);
            String key = kv[0].trim();
            String value = kv.length > 1 ? kv[1].trim() : "";
            switch (key) {
                case "skip_authentication", "clear_pw_passthrough", "clear_pw_without_tls" -> {
                    try {
                        out.put(key, String.valueOf(io.gatehouse.api.config.ValueParser.parseBool(value)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("[" + p.section() + "] authenticator_options: " + key
                                + "='" + value + "' (expected: true or false)");
                    }
                }
                case "ed_mode" -> {
                    if (!value.equals("ed25519") && !value.equals("sha256")) {
                        throw new IllegalArgumentException("[" + p.section() + "] authenticator_options: ed_mode='"
                                + value + "' (expected: ed25519 or sha256)");
                    }
                    out.put(key, value);
                }
                case "ed_rsa_privkey_path", "ed_rsa_pubkey_path" -> out.put(key, value);
                // Accepted for MaxScale compatibility: Gatehouse always matches hosts and compares names exactly.
                case "match_host", "lower_case_table_names", "log_password_mismatch", "cache_dir",
                     "inject_service_user" -> {
                }
                default -> throw new IllegalArgumentException("[" + p.section() + "] authenticator_options: '" + key
                        + "' (expected: skip_authentication, clear_pw_passthrough, clear_pw_without_tls, ed_mode,"
                        + " ed_rsa_privkey_path,"
                        + " ed_rsa_pubkey_path, match_host, lower_case_table_names)");
            }
        }
        if ("true".equals(out.get("clear_pw_without_tls")) && !"true".equals(out.get("clear_pw_passthrough"))) {
            throw new IllegalArgumentException("[" + p.section() + "] authenticator_options: clear_pw_without_tls=true"
                    + " (expected: only with clear_pw_passthrough=true, which it relaxes)");
        }
        return out;
    }

    /** Reads this listener's certificate files again for new connections; open sessions keep theirs. */
    public void reloadTls() throws Exception {
        if (clients.tls() != null) {
            clients.tls().reload();
        }
    }

    /** True when clients must use TLS. */
    public boolean tls() {
        return clients.tls() != null;
    }

    public String name() {
        return name;
    }

    public Params params() {
        return params;
    }

    public Service service() {
        return service;
    }

    public long accepted() {
        return accepted.get();
    }

    public boolean isRunning() {
        return channel != null && channel.isActive();
    }

    /** The port actually bound (useful when the configuration says 0 for tests), or -1 for unix sockets. */
    public int boundPort() {
        SocketAddress a = channel == null ? null : channel.localAddress();
        return a instanceof InetSocketAddress isa ? isa.getPort() : -1;
    }

    /** Binds and starts accepting; throws when the address cannot be bound. */
    public void start(ProxyContext proxy) throws Exception {
        ServerBootstrap b = new ServerBootstrap()
                .group(proxy.workers().acceptor(), proxy.workers().workers())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(proxy.writeqLowWater(), proxy.writeqHighWater()))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.incrementAndGet();
                        ch.pipeline().addLast("session", new ClientSession(service, proxy, clients));
                    }
                });
        String socket = params.string("socket");
        SocketAddress addr;
        if (socket != null) {
            Files.deleteIfExists(Path.of(socket));
            b.channel(proxy.workers().serverDomainChannel());
            addr = new DomainSocketAddress(socket);
        } else {
            b.channel(proxy.workers().serverChannel());
            b.option(ChannelOption.SO_REUSEADDR, true);
            b.childOption(ChannelOption.TCP_NODELAY, true);
            b.childOption(ChannelOption.SO_KEEPALIVE, true);
            addr = bindAddress(params.string("address"), (int) params.integer("port"));
        }
        try {
            channel = b.bind(addr).sync().channel();
        } catch (Exception e) {
            throw new Exception("[" + name + "] cannot listen on " + describe(addr) + ": " + e.getMessage(), e);
        }
        LOG.info("Listening for connections at {} with protocol MariaDB", describe(channel.localAddress()));
    }

    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
    }

    private static SocketAddress bindAddress(String address, int port) {
        if (address == null || address.equals("::") || address.equals("0.0.0.0")) {
            // "::" means every address; the JDK's wildcard covers IPv4 and IPv6 where both exist.
            return new InetSocketAddress(port);
        }
        return new InetSocketAddress(address, port);
    }

    private static String describe(SocketAddress a) {
        if (a instanceof InetSocketAddress isa) {
            return "[" + isa.getAddress().getHostAddress() + "]:" + isa.getPort();
        }
        return String.valueOf(a);
    }
}
