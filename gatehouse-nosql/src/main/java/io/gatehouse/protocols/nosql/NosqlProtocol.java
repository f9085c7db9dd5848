package io.gatehouse.protocols.nosql;

import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.Protocol;
import io.gatehouse.protocols.nosql.auth.LocalAccounts;
import io.gatehouse.protocols.nosql.wire.MongoFrameDecoder;
import io.netty.channel.Channel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The nosqlprotocol of one listener: gives each accepted MongoDB client a frame decoder and a {@link NosqlClient}.
 * Its state is the counter behind {@code hello}'s connection ids (atomic, as every worker calls
 * {@link #initChannel}) and the listener's NoSQL accounts (thread-safe); holds no buffers.
 */
final class NosqlProtocol implements Protocol {
    private final NosqlConfig config;
    private final LocalAccounts accounts;
    private final AtomicLong connections = new AtomicLong();

    NosqlProtocol(NosqlConfig config, LocalAccounts accounts) {
        this.config = config;
        this.accounts = accounts;
    }

    @Override
    public void close() {
        accounts.close();
    }

    @Override
    public void initChannel(Channel channel, ClientConnection connection) {
        channel.pipeline().addLast("mongo-frames", new MongoFrameDecoder());
        channel.pipeline().addLast("nosql-client", new NosqlClient(connection, config, accounts,
                connections.incrementAndGet()));
    }
}
