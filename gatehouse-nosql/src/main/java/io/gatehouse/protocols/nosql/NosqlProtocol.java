package io.gatehouse.protocols.nosql;

import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.Protocol;
import io.gatehouse.protocols.nosql.wire.MongoFrameDecoder;
import io.netty.channel.Channel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The nosqlprotocol of one listener: gives each accepted MongoDB client a frame decoder and a {@link NosqlClient}.
 * Its only state is the counter behind {@code hello}'s connection ids (atomic, as every worker calls
 * {@link #initChannel}); holds no buffers.
 */
final class NosqlProtocol implements Protocol {
    private final NosqlConfig config;
    private final AtomicLong connections = new AtomicLong();

    NosqlProtocol(NosqlConfig config) {
        this.config = config;
    }

    @Override
    public void initChannel(Channel channel, ClientConnection connection) {
        channel.pipeline().addLast("mongo-frames", new MongoFrameDecoder());
        channel.pipeline().addLast("nosql-client", new NosqlClient(connection, config, connections.incrementAndGet()));
    }
}
