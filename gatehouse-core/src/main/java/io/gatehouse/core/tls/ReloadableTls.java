package io.gatehouse.core.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * The TLS context of one listener or server, replaceable at run time: new handshakes use the newest certificates
 * while sessions already encrypted keep theirs. Built on the main thread; {@link #reload} runs on the admin thread
 * and {@link #newHandler} on routing workers, which is why the context is a volatile field.
 */
public final class ReloadableTls {
    private final TlsSettings settings;
    private final boolean serverSide;
    private volatile SslContext context;
    private volatile javax.net.ssl.SSLContext jdkClient;

    private ReloadableTls(TlsSettings settings, boolean serverSide) throws Exception {
        this.settings = settings;
        this.serverSide = serverSide;
        reload();
    }

    /** The TLS of a listener (Gatehouse as the server); null when {@code settings} is null. */
    public static ReloadableTls forListener(TlsSettings settings) throws Exception {
        return settings == null ? null : new ReloadableTls(settings, true);
    }

    /** The TLS towards a backend server (Gatehouse as the client); null when {@code settings} is null. */
    public static ReloadableTls forServer(TlsSettings settings) throws Exception {
        return settings == null ? null : new ReloadableTls(settings, false);
    }

    /** Reads the certificate, key, CA and CRL files again; on failure the old contexts stay and this throws. */
    public void reload() throws Exception {
        SslContext next = serverSide ? TlsContexts.server(settings) : TlsContexts.client(settings);
        javax.net.ssl.SSLContext nextJdk = serverSide ? null : JdkTls.client(settings);
        this.context = next;
        this.jdkClient = nextJdk;
    }

    /** A JDK context with the same settings, for blocking side connections to a server; null for a listener. */
    public javax.net.ssl.SSLContext jdkClientContext() {
        return jdkClient;
    }

    /** A handler for one new connection; {@code host}/{@code port} name the peer for host verification. */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        SslContext c = context;
        return serverSide ? c.newHandler(alloc) : c.newHandler(alloc, host, port);
    }

    public TlsSettings settings() {
        return settings;
    }
}
