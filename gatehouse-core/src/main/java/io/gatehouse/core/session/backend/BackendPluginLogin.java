package io.gatehouse.core.session.backend;

/**
 * Gatehouse's side of a backend plugin that takes more than one round (the SHA-256 plugins, parsec). A backend
 * connection asks it for each answer; it works on byte arrays only and owns no buffers. Session worker thread.
 */
interface BackendPluginLogin {
    /**
     * The answer to the authentication switch.
     *
     * @throws IllegalStateException naming what is missing when the client's login did not reveal enough
     */
    byte[] first();

    /**
     * The answer to an auth-more-data packet's {@code data}, or null when nothing is to be sent (the server's
     * verdict follows).
     *
     * @throws IllegalStateException when the server's request cannot be met
     */
    byte[] more(byte[] data);
}
