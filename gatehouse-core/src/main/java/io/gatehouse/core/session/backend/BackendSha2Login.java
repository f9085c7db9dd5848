package io.gatehouse.core.session.backend;

import io.gatehouse.protocol.auth.Sha2Password;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Gatehouse as the client of a backend account's {@code caching_sha2_password} or {@code sha256_password} (MySQL
 * 8 and later): the fast-path scramble from SHA256(password), then, when the server's cache misses, the password
 * itself over TLS or RSA-encrypted with the key the server sends on request. It needs what the client's own login
 * revealed: the cleartext (a full SHA-256 exchange, clear_pw_passthrough, ed_mode=sha256) or at least SHA256(password)
 * (a caching_sha2_password fast-path login). One per backend login, on the session's worker; it owns no buffers.
 */
final class BackendSha2Login implements BackendPluginLogin {
    private final String plugin;
    private final byte[] nonce;
    private final byte[] password;
    private final byte[] stage1;
    private final boolean tls;
    private boolean keyRequested;

    /**
     * @param password the client's password in clear, or null when unknown
     * @param stage1   SHA256(password), or null when unknown
     */
    BackendSha2Login(String plugin, byte[] pluginData, byte[] password, byte[] stage1, boolean tls) {
        this.plugin = plugin;
        this.nonce = Arrays.copyOf(pluginData, Math.min(pluginData.length, 20));
        this.password = password;
        this.stage1 = stage1 != null ? stage1 : password != null ? Sha2Password.sha256(password) : null;
        this.tls = tls;
    }

    static boolean handles(String plugin) {
        return Sha2Password.CACHING_PLUGIN.equals(plugin) || Sha2Password.SHA256_PLUGIN.equals(plugin);
    }

    /** Whether this login has what {@code plugin} needs for its first answer. */
    static boolean canStart(String plugin, byte[] password, byte[] stage1) {
        return Sha2Password.CACHING_PLUGIN.equals(plugin) ? password != null || stage1 != null : password != null;
    }

    /**
     * The first answer to the server's scramble.
     *
     * @throws IllegalStateException naming what is missing when the client's login did not reveal enough
     */
    @Override
    public byte[] first() {
        if (password != null && password.length == 0) {
            return new byte[0];                        // an account without a password
        }
        if (plugin.equals(Sha2Password.CACHING_PLUGIN)) {
            if (stage1 == null) {
                throw missing();
            }
            return Sha2Password.scrambleWithStage1(stage1, nonce);
        }
        return passwordOrKeyRequest(Sha2Password.REQUEST_PUBLIC_KEY_SHA256);
    }

    /**
     * The answer to an auth-more-data packet's {@code data}, or null when there is nothing to send (the fast path
     * succeeded and the server's OK follows).
     *
     * @throws IllegalStateException when the server's request cannot be met
     */
    @Override
    public byte[] more(byte[] data) {
        if (keyRequested) {
            try {
                return Sha2Password.encryptPassword(Sha2Password.publicKey(new String(data, StandardCharsets.US_ASCII)),
                        password, nonce);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the server's RSA public key cannot be used: " + e.getMessage(), e);
            }
        }
        if (plugin.equals(Sha2Password.CACHING_PLUGIN) && data.length == 1) {
            if (data[0] == Sha2Password.FAST_AUTH_OK) {
                return null;
            }
            if (data[0] == Sha2Password.PERFORM_FULL_AUTH) {
                return passwordOrKeyRequest(Sha2Password.REQUEST_PUBLIC_KEY_CACHING);
            }
        }
        throw new IllegalStateException(plugin + " sent an unexpected request (" + data.length + " bytes)");
    }

    /** The password in clear over TLS; without TLS a request for the server's public key. */
    private byte[] passwordOrKeyRequest(int keyRequest) {
        if (password == null) {
            throw missing();
        }
        if (tls) {
            return Arrays.copyOf(password, password.length + 1);
        }
        keyRequested = true;
        return new byte[] {(byte) keyRequest};
    }

    private IllegalStateException missing() {
        return new IllegalStateException("the server asks for the password of its " + plugin + " account, which the"
                + " client's login did not reveal to Gatehouse (the client must log in with caching_sha2_password or"
                + " sha256_password, or the listener use authenticator_options=clear_pw_passthrough=true)");
    }
}
