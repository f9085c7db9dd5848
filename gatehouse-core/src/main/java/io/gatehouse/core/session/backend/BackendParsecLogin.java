package io.gatehouse.core.session.backend;

import io.gatehouse.protocol.auth.ParsecPassword;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Gatehouse as the client of a backend account's parsec plugin (MariaDB 11.6 and later): an empty first answer
 * asks for the account's ext-salt, then the key derived from the client's password signs both scrambles. It needs
 * the password in clear, which only some logins reveal (clear_pw_passthrough, the SHA-256 plugins, ed_mode=sha256).
 * One per backend login, on the session's worker; it owns no buffers.
 */
final class BackendParsecLogin implements BackendPluginLogin {
    static final String PLUGIN = ParsecPassword.PLUGIN;
    private final String server;
    private final byte[] scramble;
    private final byte[] password;
    private boolean signed;

    /** @param password the client's password in clear, or null when unknown */
    BackendParsecLogin(String server, byte[] pluginData, byte[] password) {
        this.server = server;
        this.scramble = Arrays.copyOf(pluginData, Math.min(pluginData.length, ParsecPassword.SCRAMBLE_LENGTH));
        this.password = password;
    }

    @Override
    public byte[] first() {
        if (password == null) {
            throw new IllegalStateException("server '" + server + "' asks for the password of its parsec account,"
                    + " which the client's login did not reveal to Gatehouse (use a user_mapping_file credential"
                    + " of another plugin, or authenticator_options=clear_pw_passthrough=true)");
        }
        return new byte[0];
    }

    @Override
    public byte[] more(byte[] extSalt) {
        if (signed) {
            throw new IllegalStateException("parsec sent more data after the signature");
        }
        signed = true;
        try {
            return ParsecPassword.respond(new String(password, StandardCharsets.UTF_8), scramble, extSalt);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
