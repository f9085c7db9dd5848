package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlConfig;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which hellos wait and which are refused, by the rules of MongoDB's server-monitoring spec; the hello reply's
 * {@code topologyVersion}. Pure: no servers (hello sends no SQL, so the context's runner is never called).
 */
class AwaitableHelloTest {
    private final CommandContext ctx = new CommandContext(NosqlConfig.defaults("u", ""), s -> {
        throw new AssertionError("hello sent SQL: " + s);
    }, new Cursors(Duration.ofSeconds(60)), 1, "127.0.0.1:1");

    private static BsonDocument ours() {
        return AwaitableHello.topologyVersion();
    }

    private static BsonDocument hello(String name, BsonDocument version, long maxAwait) {
        return new BsonDocument(name, new BsonInt64(1)).append("topologyVersion", version)
                .append("maxAwaitTimeMS", new BsonInt64(maxAwait));
    }

    @Test
    void onlyAnAwaitableHelloWithOurVersionWaits() {
        assertThat(AwaitableHello.delayMillis(hello("hello", ours(), 500))).isEqualTo(500);
        assertThat(AwaitableHello.delayMillis(hello("isMaster", ours(), 10_000))).isEqualTo(10_000);
        assertThat(AwaitableHello.delayMillis(hello("ismaster", ours(), 700))).isEqualTo(700);
        // A plain hello, another command carrying the fields, and a zero wait answer at once.
        assertThat(AwaitableHello.delayMillis(BsonDocument.parse("{hello: 1}"))).isZero();
        assertThat(AwaitableHello.delayMillis(hello("ping", ours(), 500))).isZero();
        assertThat(AwaitableHello.delayMillis(hello("hello", ours(), 0))).isZero();
        // Another process's version, or our process with an older counter: the client must learn ours at once.
        BsonDocument otherProcess = ours().append("processId", new BsonObjectId(new ObjectId()));
        assertThat(AwaitableHello.delayMillis(hello("hello", otherProcess, 500))).isZero();
        BsonDocument older = ours().append("counter", new BsonInt64(-1));
        assertThat(AwaitableHello.delayMillis(hello("hello", older, 500))).isZero();
        // Malformed: answered at once, by the error below.
        assertThat(AwaitableHello.delayMillis(BsonDocument.parse("{hello: 1, maxAwaitTimeMS: 500}"))).isZero();
    }

    @Test
    void theReplyCarriesTheVersionAndMalformedRequestsAreRefused() {
        BsonDocument reply = Commands.execute(ctx, "admin", hello("hello", ours(), 500)).join();
        assertThat(reply.getDouble("ok").getValue()).isEqualTo(1);
        assertThat(reply.getDocument("topologyVersion")).isEqualTo(ours());
        assertThat(reply.getDocument("topologyVersion").get("processId").isObjectId()).isTrue();
        assertThat(reply.getDocument("topologyVersion").get("counter").isInt64()).isTrue();
        assertThat(Commands.execute(ctx, "admin", BsonDocument.parse("{isMaster: 1}")).join()
                .getDocument("topologyVersion")).isEqualTo(ours());

        assertThat(refusal(BsonDocument.parse("{hello: 1, maxAwaitTimeMS: 500}"))).contains("maxAwaitTimeMS given without topologyVersion");
        assertThat(refusal(new BsonDocument("hello", new BsonInt64(1)).append("topologyVersion", ours())))
                .contains("topologyVersion given without maxAwaitTimeMS");
        assertThat(refusal(hello("hello", ours(), -1))).contains("maxAwaitTimeMS: -1 (expected: a non-negative integer)");
        assertThat(refusal(hello("hello", new BsonDocument("counter", new BsonInt64(0)), 500))).contains("processId");
        assertThat(refusal(hello("hello", ours().append("counter", new BsonInt64(1)), 500))).contains("counter: 1");
    }

    private String refusal(BsonDocument cmd) {
        BsonDocument reply = Commands.execute(ctx, "admin", cmd).join();
        assertThat(reply.getDouble("ok").getValue()).isZero();
        assertThat(reply.getInt32("code").getValue()).isEqualTo(2);
        return reply.getString("errmsg").getValue();
    }
}
