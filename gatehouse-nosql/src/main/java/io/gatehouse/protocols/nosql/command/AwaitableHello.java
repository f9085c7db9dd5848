package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlException;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

import java.util.Set;

/**
 * MongoDB's awaitable {@code hello} (the server-monitoring spec): this process's {@code topologyVersion}, the check
 * of a request's {@code topologyVersion}/{@code maxAwaitTimeMS} pair, and how long the reply to a request is held.
 * Stateless apart from the process id fixed at class load; any thread; no buffers.
 *
 * <p>Why the wait matters: a driver that sees {@code topologyVersion} in a hello reply monitors the server with the
 * streaming protocol, sending the next awaitable hello as soon as a reply arrives, without sleeping. A server that
 * answers at once therefore gets hundreds of hellos a second from every client's monitor thread.
 */
public final class AwaitableHello {
    /** Identifies this process in {@code topologyVersion}; drivers require an ObjectId there. */
    private static final ObjectId PROCESS_ID = new ObjectId();
    /**
     * The topology change counter, constant: a nosqlprotocol listener presents itself as one standalone writable
     * server whatever the cluster behind the service does (its router hides the servers' roles), so nothing a
     * MongoDB client monitors ever changes while this process runs.
     */
    private static final long COUNTER = 0;
    private static final Set<String> NAMES = Set.of("hello", "isMaster", "ismaster");

    private AwaitableHello() {
    }

    /** The {@code topologyVersion} document every hello reply carries: {processId: ObjectId, counter: int64}. */
    static BsonDocument topologyVersion() {
        return new BsonDocument("processId", new BsonObjectId(PROCESS_ID)).append("counter", new BsonInt64(COUNTER));
    }

    /**
     * How many milliseconds to hold the reply to {@code command} before running it: its {@code maxAwaitTimeMS} for
     * an awaitable hello that names this process and our counter (no change can come earlier, see {@link #COUNTER}),
     * 0 for anything else: other commands, plain hellos, a client that knows an older process or an older counter
     * (it must learn ours at once), and malformed requests, which {@link #check} refuses at once.
     */
    public static long delayMillis(BsonDocument command) {
        if (command.isEmpty() || !NAMES.contains(command.getFirstKey())) {
            return 0;
        }
        BsonValue version = command.get("topologyVersion");
        BsonValue max = command.get("maxAwaitTimeMS");
        if (version == null || max == null || !version.isDocument() || !max.isNumber() || max.asNumber().longValue() <= 0) {
            return 0;
        }
        BsonDocument v = version.asDocument();
        BsonValue counter = v.get("counter");
        if (!v.isObjectId("processId") || !PROCESS_ID.equals(v.getObjectId("processId").getValue())
                || counter == null || !counter.isNumber() || counter.asNumber().longValue() != COUNTER) {
            return 0;
        }
        return max.asNumber().longValue();
    }

    /**
     * Refuses what MongoDB refuses in a hello: {@code topologyVersion} without {@code maxAwaitTimeMS} or the
     * reverse, a negative wait, a malformed version, or this process's id with a counter above ours (a client can
     * only have got it from a different process that happened to share the id, or made it up).
     */
    static void check(BsonDocument command) {
        BsonValue version = command.get("topologyVersion");
        BsonValue max = command.get("maxAwaitTimeMS");
        if (version == null && max == null) {
            return;
        }
        if (version == null || max == null) {
            throw NosqlException.badValue("hello: " + (version == null ? "maxAwaitTimeMS" : "topologyVersion")
                    + " given without " + (version == null ? "topologyVersion" : "maxAwaitTimeMS")
                    + " (expected: both, for an awaitable hello, or neither)");
        }
        if (!max.isNumber() || max.asNumber().longValue() < 0) {
            throw NosqlException.badValue("hello: maxAwaitTimeMS: " + (max.isNumber() ? max.asNumber().longValue()
                    : max.getBsonType().name()) + " (expected: a non-negative integer)");
        }
        if (!version.isDocument() || !version.asDocument().isObjectId("processId")
                || !version.asDocument().isNumber("counter")) {
            throw NosqlException.badValue("hello: topologyVersion: " + version
                    + " (expected: {processId: ObjectId, counter: int64})");
        }
        BsonDocument v = version.asDocument();
        if (PROCESS_ID.equals(v.getObjectId("processId").getValue()) && v.getNumber("counter").longValue() > COUNTER) {
            throw NosqlException.badValue("hello: topologyVersion.counter: " + v.getNumber("counter").longValue()
                    + " (expected: at most this process's counter " + COUNTER + ")");
        }
    }
}
