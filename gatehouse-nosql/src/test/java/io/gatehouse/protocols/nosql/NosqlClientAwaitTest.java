package io.gatehouse.protocols.nosql;

import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.ServiceSession;
import io.gatehouse.api.protocol.ServiceSessionListener;
import io.gatehouse.api.protocol.SessionLogin;
import io.gatehouse.protocols.nosql.wire.MongoFrameDecoder;
import io.gatehouse.protocols.nosql.wire.MongoWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The awaitable hello on a client's event loop, with the loop's clock frozen: held for its maxAwaitTimeMS without
 * blocking the loop, the commands behind it answered after it in order, and its timer cancelled when the client
 * leaves. The test thread is the {@link EmbeddedChannel}'s loop; it releases every reply buffer it reads.
 */
class NosqlClientAwaitTest {

    /** hello and ping send no SQL: a service session opened here would be a bug. */
    private record NoService(Channel channel) implements ClientConnection {
        @Override
        public String remote() {
            return "127.0.0.1";
        }

        @Override
        public String serviceName() {
            return "NoSQL-Service";
        }

        @Override
        public ServiceSession openSession(SessionLogin login, ServiceSessionListener listener) {
            throw new AssertionError("a service session was opened for " + login.user());
        }
    }

    private static EmbeddedChannel client() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(new MongoFrameDecoder(), new NosqlClient(new NoService(channel),
                NosqlConfig.defaults("app", ""), "NoSQL-Listener", null, null, 1));
        channel.register();
        channel.freezeTime();
        return channel;
    }

    private static ByteBuf request(int requestId, BsonDocument command) {
        return MongoWire.encodeMsg(ByteBufAllocator.DEFAULT, requestId, 0, command.append("$db", new BsonString("admin")));
    }

    /** The next reply written, checked to answer {@code requestId}; its buffer released. */
    private static BsonDocument reply(EmbeddedChannel channel, int requestId) {
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("a reply to request " + requestId).isNotNull();
        try {
            assertThat(out.getIntLE(8)).as("responseTo").isEqualTo(requestId);
            return MongoWire.decode(out).command();
        } finally {
            out.release();
        }
    }

    /** Fails if a reply was written, releasing it first so that a failure reports no leak of its own. */
    private static void assertNoReply(EmbeddedChannel channel, String when) {
        ByteBuf out = channel.readOutbound();
        if (out != null) {
            out.release();
        }
        assertThat(out).as("a reply " + when).isNull();
    }

    /** Moves the loop's clock on and runs what became due, then the tasks those queued (the reply's stages). */
    private static void advance(EmbeddedChannel channel, long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        channel.runPendingTasks();
    }

    @Test
    void anAwaitableHelloWaitsItsTimeAndTheCommandsBehindItFollowInOrder() throws Exception {
        EmbeddedChannel channel = client();
        try {
            channel.writeInbound(request(1, new BsonDocument("hello", new BsonInt32(1))));
            BsonDocument version = reply(channel, 1).getDocument("topologyVersion");

            channel.writeInbound(request(2, new BsonDocument("hello", new BsonInt32(1)).append("topologyVersion", version)
                    .append("maxAwaitTimeMS", new BsonInt64(500))));
            channel.writeInbound(request(3, new BsonDocument("ping", new BsonInt32(1))));
            assertNoReply(channel, "before maxAwaitTimeMS");
            advance(channel, 499);
            assertNoReply(channel, "1 ms before maxAwaitTimeMS");
            advance(channel, 1);
            BsonDocument awaited = reply(channel, 2);
            assertThat(awaited.getDouble("ok").getValue()).isEqualTo(1);
            assertThat(awaited.getDocument("topologyVersion")).isEqualTo(version);
            assertThat(reply(channel, 3).getDouble("ok").getValue()).isEqualTo(1);
            assertNoReply(channel, "after the ping's");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void theTimerOfAnAwaitableHelloEndsWithTheConnection() throws Exception {
        EmbeddedChannel channel = client();
        try {
            channel.writeInbound(request(1, new BsonDocument("hello", new BsonInt32(1))));
            BsonDocument version = reply(channel, 1).getDocument("topologyVersion");
            channel.writeInbound(request(2, new BsonDocument("isMaster", new BsonInt32(1)).append("topologyVersion", version)
                    .append("maxAwaitTimeMS", new BsonInt64(60_000))));
            assertThat(channel.runScheduledPendingTasks()).as("the hello's timer is pending").isPositive();
            channel.close();
            assertThat(channel.runScheduledPendingTasks()).as("no timer is left once the client left").isEqualTo(-1);
            advance(channel, 60_000);
            assertNoReply(channel, "to a client that left");
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
