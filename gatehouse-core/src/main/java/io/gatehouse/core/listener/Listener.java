package io.gatehouse.core.listener;

import io.gatehouse.api.config.Params;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.ProxyContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.gatehouse.core.session.ClientSettings;
import io.gatehouse.core.session.login.TrustedNetworks;
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
 * A listener: one bound socket (TCP address and port, or a unix socket) speaking one protocol and feeding one
 * service. The acceptor loop hands each new client to a routing worker, where the protocol prepares its channel: the
 * built-in MariaDB protocol installs a {@link ClientSession}; a protocol module installs its own handlers and opens
 * sessions of the service through a {@link io.gatehouse.core.session.protocol.ServiceEntrance}. Started and stopped
 * on the main thread; holds no buffers.
 */
public final class Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    private final String name;
    private final Params params;
    private final Service service;
    private final AtomicLong accepted = new AtomicLong();
    private final ClientSettings clients;
    private final io.gatehouse.api.protocol.ProtocolModule module;
    private final java.nio.file.Path dataDirectory;
    private Channel channel;
    /** The protocol made for this listener while it runs. */
    private io.gatehouse.api.protocol.Protocol protocol;
    /** Where a protocol module's sessions enter the service; null for the built-in MariaDB protocol. */
    private io.gatehouse.core.session.protocol.ServiceEntrance entrance;

    /** A listener speaking the built-in MariaDB protocol. */
    /** The open client connections it accepted; closed ones leave the group by themselves. */
    private final io.netty.channel.group.ChannelGroup clientChannels =
            new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);

    public Listener(String name, Params params, Service service) {
        this(name, params, service, new MariaDBClientProtocol());
    }

    /**
     * A listener speaking {@code protocol}. Throws {@link IllegalArgumentException} naming the parameter when its
     * TLS or network settings are unusable.
     */
    public Listener(String name, Params params, Service service, io.gatehouse.api.protocol.ProtocolModule protocol) {
        this(name, params, service, protocol, null);
    }

    /**
     * A listener speaking {@code protocol} whose protocol keeps what must outlive a restart (nosqlprotocol's accounts)
     * in {@code dataDirectory}, the listener's own directory under the global {@code datadir} (it may not exist yet).
     */
    public Listener(String name, Params params, Service service, io.gatehouse.api.protocol.ProtocolModule protocol,
                    java.nio.file.Path dataDirectory) {
        this.name = name;
        this.params = params;
        this.service = service;
        this.clients = clientSettings(params);
        this.module = protocol;
        this.dataDirectory = dataDirectory;
    }

    /** The listener parameters its protocol module adds to the core's (none for the MariaDB protocol). */
    public java.util.List<io.gatehouse.api.config.ParamSpec> protocolParameters() {
        return module.descriptor().parameters();
    }

    /** The protocol module's name ({@code MariaDBClient} for the built-in one). */
    public String protocolName() {
        return module.descriptor().name();
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
        boolean ed25519 = ListenerAuthenticators.ed25519(p);
        java.util.Map<String, String> auth = ListenerAuthenticators.options(p);
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
        io.gatehouse.core.users.MatchRules rules = new io.gatehouse.core.users.MatchRules(
                !"false".equals(auth.get("match_host")),
                Integer.parseInt(auth.getOrDefault("lower_case_table_names", "0")), ed25519);
        java.util.List<String> initSql = java.util.List.of();
        String initFile = p.has("connection_init_sql_file") ? p.string("connection_init_sql_file") : null;
        if (initFile != null && !initFile.isBlank()) {
            try {
                // As MaxScale: each non-empty line is one statement.
                initSql = java.nio.file.Files.readAllLines(Path.of(initFile)).stream().map(String::strip)
                        .filter(l -> !l.isEmpty()).toList();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("[" + p.section() + "] connection_init_sql_file: '" + initFile
                        + "' (expected: a readable file of SQL statements, one per line)", e);
            }
        }
        io.gatehouse.core.session.ConnectionMetadata metadata;
        try {
            metadata = io.gatehouse.core.session.ConnectionMetadata.parse(
                    p.has("connection_metadata") ? p.string("connection_metadata")
                            : io.gatehouse.core.session.ConnectionMetadata.DEFAULT,
                    p.has("redirect_url") ? p.string("redirect_url") : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + p.section() + "] " + e.getMessage(), e);
        }
        return new ClientSettings(tls, init, maxPacket, networks, mapping,
                Boolean.parseBoolean(auth.get("skip_authentication")),
                Boolean.parseBoolean(auth.get("clear_pw_passthrough")),
                Boolean.parseBoolean(auth.get("clear_pw_without_tls")), "sha256".equals(auth.get("ed_mode")), rsa,
                rules, initSql, metadata, ListenerAuthenticators.pamSettings(p, auth));
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
        io.gatehouse.api.protocol.Protocol proto = module.create(new ListenerSetup(name, params, service, proxy,
                clients, dataDirectory));
        boolean builtIn = module instanceof MariaDBClientProtocol;
        io.gatehouse.core.session.protocol.ServiceEntrance door = null;
        if (!builtIn) {
            door = new io.gatehouse.core.session.protocol.ServiceEntrance(name, service,
                    new io.gatehouse.core.service.ServiceTarget(service.name(), n -> service), clients);
            door.start(proxy);
        }
        io.gatehouse.core.session.protocol.ServiceEntrance sessions = door;
        ServerBootstrap b = new ServerBootstrap()
                .group(proxy.workers().acceptor(), proxy.workers().workers())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.incrementAndGet();
                        // Read per client, not once at bind: a runtime change of writeq_*_water reaches new clients.
                        ch.config().setWriteBufferWaterMark(proxy.waterMark());
                        clientChannels.add(ch);
                        // The MariaDB protocol installs its ClientSession directly: no connection object per client.
                        proto.initChannel(ch, sessions == null ? null
                                : new io.gatehouse.core.session.protocol.ModuleConnection(ch, sessions, service.name()));
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
            if (door != null) {
                door.stop();
            }
            proto.close();
            throw new Exception("[" + name + "] cannot listen on " + describe(addr) + ": " + e.getMessage(), e);
        }
        protocol = proto;
        entrance = door;
        LOG.info("Listening for connections at {} with protocol {}", describe(channel.localAddress()),
                module.descriptor().name());
    }

    /**
     * Closes the client connection of every session this listener accepted (stop with force); each session ends
     * as when its client leaves. Any thread.
     */
    public void closeClients() {
        clientChannels.close();
    }

    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
        if (entrance != null) {
            entrance.stop();
            entrance = null;
        }
        if (protocol != null) {
            protocol.close();
            protocol = null;
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
