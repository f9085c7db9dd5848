package io.gatehouse.protocols.nosql;

import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.Protocol;
import io.gatehouse.protocols.nosql.auth.LocalAccounts;
import io.gatehouse.protocols.nosql.wire.MongoFrameDecoder;
import io.netty.channel.Channel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nosqlprotocol of one listener: gives each accepted MongoDB client a frame decoder and a {@link NosqlClient}.
 * Its state is the counter behind {@code hello}'s connection ids (atomic, as every worker calls
 * {@link #initChannel}) and the listener's NoSQL accounts (thread-safe): its local file, or with
 * {@code authentication_shared} the thread that derives the keys of accounts kept in the cluster. Holds no buffers.
 */
final class NosqlProtocol implements Protocol {
    private final NosqlConfig config;
    private final String listener;
    private final LocalAccounts localAccounts;
    private final ExecutorService keyThread;
    private final AtomicLong connections = new AtomicLong();

    /** @param localAccounts the listener's account file, or null when the accounts are shared */
    NosqlProtocol(NosqlConfig config, String listener, LocalAccounts localAccounts) {
        this.config = config;
        this.listener = listener;
        this.localAccounts = localAccounts;
        this.keyThread = localAccounts != null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nosql-keys-" + listener);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        if (localAccounts != null) {
            localAccounts.close();
        }
        if (keyThread != null) {
            keyThread.shutdown();
        }
    }

    @Override
    public void initChannel(Channel channel, ClientConnection connection) {
        channel.pipeline().addLast("mongo-frames", new MongoFrameDecoder());
        channel.pipeline().addLast("nosql-client", new NosqlClient(connection, config, listener, localAccounts, keyThread,
                connections.incrementAndGet()));
    }
}
