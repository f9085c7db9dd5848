package io.gatehouse.core.session.login;

import io.gatehouse.core.service.Service;
import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.InitialHandshake;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.StatusFlags;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.auth.Sha2Password;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The protocol capabilities Gatehouse can offer clients, intersected with what the backends offer, and the
 * greeting that announces them (TLS is added per listener). Stateless; called on the client's worker.
 */
public final class ClientCapabilities {
    private ClientCapabilities() {
    }

    /** Everything the proxy itself supports on the client side; what a MariaDB 10.6+ server offers. */
    static final long OFFERED = Capabilities.LONG_FLAG | Capabilities.FOUND_ROWS | Capabilities.CONNECT_WITH_DB
            | Capabilities.NO_SCHEMA | Capabilities.ODBC | Capabilities.LOCAL_FILES | Capabilities.IGNORE_SPACE
            | Capabilities.PROTOCOL_41 | Capabilities.INTERACTIVE | Capabilities.IGNORE_SIGPIPE
            | Capabilities.TRANSACTIONS | Capabilities.RESERVED | Capabilities.SECURE_CONNECTION
            | Capabilities.MULTI_STATEMENTS | Capabilities.MULTI_RESULTS | Capabilities.PS_MULTI_RESULTS
            | Capabilities.PLUGIN_AUTH | Capabilities.CONNECT_ATTRS | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA
            | Capabilities.CAN_HANDLE_EXPIRED_PASSWORDS | Capabilities.SESSION_TRACK | Capabilities.DEPRECATE_EOF
            | Capabilities.REMEMBER_OPTIONS | Capabilities.MARIADB_CLIENT_PROGRESS
            | Capabilities.MARIADB_CLIENT_STMT_BULK_OPERATIONS | Capabilities.MARIADB_CLIENT_EXTENDED_METADATA
            | Capabilities.MARIADB_CLIENT_CACHE_METADATA | Capabilities.MARIADB_CLIENT_BULK_UNIT_RESULTS;

    /** The greeting packet (owned by the caller) for a new client of {@code service}. */
    public static ByteBuf greeting(ByteBufAllocator alloc, Service service, long sessionId, byte[] nonce, boolean tls) {
        long caps = service.backendCapabilities();
        // Before any backend was reached, offer everything Gatehouse supports.
        caps = caps == 0 ? OFFERED : caps & OFFERED;
        if (tls) {
            caps |= Capabilities.SSL;
        }
        String version = service.versionString();
        InitialHandshake hello = new InitialHandshake(10, version, sessionId, nonce, caps,
                service.backendCharset(), StatusFlags.AUTOCOMMIT, defaultPlugin(version));
        ByteBuf body = alloc.buffer(128);
        hello.encode(body);
        return Packets.frame(alloc, 0, body);
    }

    /**
     * The plugin the greeting names: caching_sha2_password when the service presents itself as MySQL 8 or later
     * (a {@code version_string} such as {@code 8.0.36}), as those servers do and their clients expect;
     * mysql_native_password otherwise. Either way the account's or the client's plugin decides the exchange.
     */
    static String defaultPlugin(String version) {
        int major = 0;
        for (int i = 0; i < version.length() && Character.isDigit(version.charAt(i)) && major < 1000; i++) {
            major = major * 10 + (version.charAt(i) - '0');
        }
        return major >= 8 && !version.contains("MariaDB") ? Sha2Password.CACHING_PLUGIN : NativePassword.PLUGIN;
    }
}
