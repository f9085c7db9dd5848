package io.gatehouse.api.protocol;

import io.netty.channel.Channel;

/**
 * The protocol of one listener: prepares each client channel the listener accepts. Made once per listener by its
 * {@link ProtocolModule}; {@link #initChannel} is called concurrently from every worker thread, so an implementation
 * keeps no mutable state of its own here (per-client state belongs in the handlers it installs). Holds no buffers.
 */
public interface Protocol {
    /**
     * Installs the protocol's handlers on a newly accepted client channel. Called on the channel's worker event loop
     * before the channel is active; every handler added runs on that loop, as do all calls of {@code connection} and
     * of the sessions it opens. The channel reads automatically (Netty's {@code AUTO_READ}) unless a handler turns
     * that off; its write-buffer water marks are the core's {@code writeq_low_water}/{@code writeq_high_water}.
     * The handlers own every buffer the channel reads (release or forward each one).
     */
    void initChannel(Channel channel, ClientConnection connection);

    /** The listener stopped: no more channels will come. Open channels are not closed by this call. Main thread. */
    default void close() {
    }
}
