package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.wire.MongoWire;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The open cursors of one client connection: documents of a find that did not fit in the first batch, kept in memory
 * until {@code getMore} takes them, {@code killCursors} drops them or they stay idle longer than
 * {@code cursor_timeout}. Confined to the client channel's event loop; holds documents, no buffers.
 */
public final class Cursors {
    /** MongoDB's default size of a find's first batch. */
    public static final int DEFAULT_FIRST_BATCH = 101;
    /** The most document bytes in one batch: room is left under the 16 MiB reply limit for the reply's own fields. */
    static final long MAX_BATCH_BYTES = 16L * 1024 * 1024 - 16 * 1024;

    private final Duration timeout;
    private final Map<Long, Cursor> open = new HashMap<>();

    private static final class Cursor {
        final String ns;
        final ArrayDeque<BsonDocument> remaining;
        long lastUsedNanos;

        Cursor(String ns, ArrayDeque<BsonDocument> rest, long now) {
            this.ns = ns;
            this.remaining = rest;
            this.lastUsedNanos = now;
        }
    }

    public Cursors(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The {@code cursor} sub-document of a find's reply with the first {@code batchSize} documents (0: none); the
     * rest stay open for getMore unless {@code singleBatch}.
     */
    public BsonDocument first(String ns, List<BsonDocument> docs, int batchSize, boolean singleBatch) {
        expire();
        ArrayDeque<BsonDocument> remaining = new ArrayDeque<>(docs);
        BsonArray batch = take(remaining, Math.max(batchSize, 0));
        long id = 0;
        if (!remaining.isEmpty() && !singleBatch) {
            do {
                id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            } while (open.containsKey(id));
            open.put(id, new Cursor(ns, remaining, System.nanoTime()));
        }
        return new BsonDocument("firstBatch", batch).append("id", new BsonInt64(id)).append("ns", new BsonString(ns));
    }

    /**
     * Takes up to {@code count} documents, fewer when they would pass {@link #MAX_BATCH_BYTES} (but at least one),
     * because a reply may not exceed the 16 MiB a client accepts.
     */
    private static BsonArray take(ArrayDeque<BsonDocument> from, int count) {
        BsonArray batch = new BsonArray();
        long bytes = 0;
        while (batch.size() < count && !from.isEmpty()) {
            int size = MongoWire.toBytes(from.peek()).length;
            if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                break;
            }
            bytes += size;
            batch.add(from.poll());
        }
        return batch;
    }

    /** The {@code cursor} sub-document of a getMore reply, or null when the cursor is unknown (or expired). */
    public BsonDocument next(long id, int batchSize) {
        expire();
        Cursor c = open.get(id);
        if (c == null) {
            return null;
        }
        c.lastUsedNanos = System.nanoTime();
        BsonArray batch = take(c.remaining, batchSize <= 0 ? Integer.MAX_VALUE : batchSize);
        long nextId = id;
        if (c.remaining.isEmpty()) {
            open.remove(id);
            nextId = 0;
        }
        return new BsonDocument("nextBatch", batch).append("id", new BsonInt64(nextId)).append("ns", new BsonString(c.ns));
    }

    /** Drops a cursor; false when there was none with that id. */
    public boolean kill(long id) {
        return open.remove(id) != null;
    }

    /** How many cursors are open now. */
    public int size() {
        expire();
        return open.size();
    }

    private void expire() {
        long now = System.nanoTime();
        open.values().removeIf(c -> now - c.lastUsedNanos > timeout.toNanos());
    }
}
