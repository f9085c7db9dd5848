package io.gatehouse.protocol.client;

import java.io.IOException;

/**
 * Thrown by {@link BlockingClient} when the server wants an authentication method the client cannot perform (the
 * client speaks only mysql_native_password). Immutable; thrown on the caller's thread after the connection has
 * been closed.
 */
public final class AuthPluginException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String plugin;

    public AuthPluginException(String plugin, String message) {
        super(message);
        this.plugin = plugin;
    }

    /** The plugin the server asked for. */
    public String plugin() {
        return plugin;
    }
}
