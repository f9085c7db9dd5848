package io.gatehouse.api.protocol;

import io.gatehouse.api.Module;

/**
 * A protocol module: the language a listener speaks with its clients ({@code protocol=} in a listener section names
 * it, case-insensitively). Its descriptor has kind {@link io.gatehouse.api.ModuleKind#PROTOCOL} and lists the
 * listener parameters it adds to the core's ones (address, port, socket, service, TLS ...); a listener section
 * that names this protocol is checked against both, and any other parameter is refused. Stateless and thread-safe;
 * holds no buffers.
 */
public interface ProtocolModule extends Module {
    /**
     * Creates the protocol of one listener, on the main thread, when the listener starts; the listener's parameters
     * are already validated (see {@link ListenerContext#params()}). Throws {@link IllegalArgumentException} with a
     * one-line message naming the section and the parameter when a value cannot be used; the start then stops.
     */
    Protocol create(ListenerContext listener);
}
