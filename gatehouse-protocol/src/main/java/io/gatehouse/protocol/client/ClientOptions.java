package io.gatehouse.protocol.client;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link BlockingClient} connects: address (TCP host and port, or a unix socket path), credentials (a password,
 * or SHA1(password) when only that is known), default database, timeouts and connection attributes. Immutable and
 * thread-safe; build with {@link #tcp} or {@link #unixSocket} and the {@code with...} methods.
 *
 * @param passwordSha1 SHA1(password), used when {@code password} is null (a proxy that learnt it from a client's
 *                     token logs in with it); null or empty with a null password means "no password"
 * @param database     default database, or null
 * @param charset      collation id sent in the handshake; 45 = utf8mb4_general_ci
 * @param tls          TLS to use after the SSL request (null: plain); its trust decides which servers are accepted
 * @param localAddress source address the TCP socket is bound to (MaxScale's {@code local_address}); null: the
 *                     operating system chooses
 */
public record ClientOptions(String host, int port, Path unixSocket, String user, String password, byte[] passwordSha1,
                            String database, Duration connectTimeout, Duration readTimeout, Duration writeTimeout,
                            Map<String, String> attributes, int charset, javax.net.ssl.SSLContext tls,
                            java.net.InetAddress localAddress) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int UTF8MB4_GENERAL_CI = 45;

    public ClientOptions {
        Objects.requireNonNull(user, "user");
        if (unixSocket == null && (host == null || port <= 0 || port > 65535)) {
            throw new IllegalArgumentException("host/port: " + host + ":" + port
                    + " (expected: a host and a port 1..65535, or a unix socket path)");
        }
        for (Duration d : new Duration[] {connectTimeout, readTimeout, writeTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout: " + d + " (expected: a positive duration)");
            }
        }
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        passwordSha1 = passwordSha1 == null ? null : passwordSha1.clone();
    }

    /** Options for a TCP connection with 10-second timeouts and no database. */
    public static ClientOptions tcp(String host, int port, String user, String password) {
        return new ClientOptions(host, port, null, user, password, null, null, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT,
                DEFAULT_TIMEOUT, Map.of(), UTF8MB4_GENERAL_CI, null, null);
    }

    /** Options for a unix-socket connection with 10-second timeouts and no database. */
    public static ClientOptions unixSocket(Path socket, String user, String password) {
        return new ClientOptions(null, 0, socket, user, password, null, null, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT,
                DEFAULT_TIMEOUT, Map.of(), UTF8MB4_GENERAL_CI, null, null);
    }

    /** The same options towards another TCP {@code port} of the same host (a server's {@code extra_port}). */
    public ClientOptions withPort(int newPort) {
        return new ClientOptions(host, newPort, unixSocket, user, password, passwordSha1, database, connectTimeout,
                readTimeout, writeTimeout, attributes, charset, tls, localAddress);
    }

    /**
     * Connects on {@code extraPort} first when it is set (above 0, TCP only), and on the normal port when that fails
     * for any reason, as MaxScale uses a server's {@code extra_port} for its administrative connections.
     */
    public static BlockingClient connectPreferring(ClientOptions opts, int extraPort) throws Exception {
        if (extraPort > 0 && opts.unixSocket() == null) {
            try {
                return BlockingClient.connect(opts.withPort(extraPort));
            } catch (Exception e) {
                // the extra port is closed or full: the normal port is used
            }
        }
        return BlockingClient.connect(opts);
    }

    public ClientOptions withDatabase(String db) {
        return new ClientOptions(host, port, unixSocket, user, password, passwordSha1, db, connectTimeout,
                readTimeout, writeTimeout, attributes, charset, tls, localAddress);
    }

    /** Credentials as SHA1(password) instead of a password. */
    public ClientOptions withPasswordSha1(byte[] sha1) {
        return new ClientOptions(host, port, unixSocket, user, null, sha1, database, connectTimeout, readTimeout,
                writeTimeout, attributes, charset, tls, localAddress);
    }

    public ClientOptions withCredentials(String newUser, String newPassword) {
        return new ClientOptions(host, port, unixSocket, newUser, newPassword, null, database, connectTimeout,
                readTimeout, writeTimeout, attributes, charset, tls, localAddress);
    }

    public ClientOptions withConnectTimeout(Duration d) {
        return new ClientOptions(host, port, unixSocket, user, password, passwordSha1, database, d, readTimeout,
                writeTimeout, attributes, charset, tls, localAddress);
    }

    public ClientOptions withReadTimeout(Duration d) {
        return new ClientOptions(host, port, unixSocket, user, password, passwordSha1, database, connectTimeout, d,
                writeTimeout, attributes, charset, tls, localAddress);
    }

    public ClientOptions withWriteTimeout(Duration d) {
        return new ClientOptions(host, port, unixSocket, user, password, passwordSha1, database, connectTimeout,
                readTimeout, d, attributes, charset, tls, localAddress);
    }

    /** Sets the same connect, read and write timeout. */
    public ClientOptions withTimeouts(Duration d) {
        return new ClientOptions(host, port, unixSocket, user, password, passwordSha1, database, d, d, d,
                attributes, charset, tls, localAddress);
    }

    /** Encrypts the connection with {@code context} after the SSL request (TCP only; null for plain). */
    public ClientOptions withTls(javax.net.ssl.SSLContext context) {
        return new ClientOptions(host, port, unixSocket, user, password, passwordSha1, database, connectTimeout,
                readTimeout, writeTimeout, attributes, charset, context, localAddress);
    }

    /** The same options with the socket bound to {@code local} before connecting (null: no binding). */
    public ClientOptions withLocalAddress(java.net.InetAddress local) {
        return new ClientOptions(host, port, unixSocket, user, password, passwordSha1, database, connectTimeout,
                readTimeout, writeTimeout, attributes, charset, tls, local);
    }

    /** Connection attributes sent in addition to {@code _client_name} (visible in performance_schema). */
    public ClientOptions withAttributes(Map<String, String> attrs) {
        return new ClientOptions(host, port, unixSocket, user, password, passwordSha1, database, connectTimeout,
                readTimeout, writeTimeout, attrs, charset, tls, localAddress);
    }

    /** Where to connect; resolves the host name (a blocking DNS lookup). */
    public SocketAddress address() {
        return unixSocket != null ? UnixDomainSocketAddress.of(unixSocket) : new InetSocketAddress(host, port);
    }

    /** A short description for messages: {@code host:port} or the socket path. */
    public String target() {
        return unixSocket != null ? unixSocket.toString() : host + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientOptions c && port == c.port && charset == c.charset
                && Objects.equals(host, c.host) && Objects.equals(unixSocket, c.unixSocket)
                && Objects.equals(user, c.user) && Objects.equals(password, c.password)
                && Arrays.equals(passwordSha1, c.passwordSha1) && Objects.equals(database, c.database)
                && connectTimeout.equals(c.connectTimeout) && readTimeout.equals(c.readTimeout)
                && writeTimeout.equals(c.writeTimeout) && attributes.equals(c.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, unixSocket, user, database);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "ClientOptions[" + target() + ", user=" + user + ", database=" + database + ", connectTimeout="
                + connectTimeout + ", readTimeout=" + readTimeout + ", writeTimeout=" + writeTimeout + "]";
    }
}
