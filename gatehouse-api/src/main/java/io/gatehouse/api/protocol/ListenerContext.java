package io.gatehouse.api.protocol;

import io.gatehouse.api.config.Params;

/**
 * What the core tells a protocol about the listener it serves. Immutable; any thread.
 */
public interface ListenerContext {
    /** The listener's section name. */
    String listenerName();

    /** The name of the service the listener feeds (the one its sessions belong to). */
    String serviceName();

    /** The listener section's validated parameters: the core's listener parameters and the protocol's own. */
    Params params();

    /**
     * The listener's own directory for what its protocol keeps across restarts (named after the listener, under the
     * global {@code datadir}; it may not exist yet), or null when the listener was made without one (embedding, tests).
     */
    default java.nio.file.Path dataDirectory() {
        return null;
    }
}
