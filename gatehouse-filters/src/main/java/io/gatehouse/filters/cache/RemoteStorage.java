package io.gatehouse.filters.cache;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A cache storage kept in a Redis or memcached server ({@code storage_redis}, {@code storage_memcached}), which other
 * Gatehouse instances may share. Thread-safe: it only encodes and decodes, and hands requests to its
 * {@link RemoteConnection}; lookups complete on the cache I/O thread. Holds no buffers: entries travel as byte arrays.
 *
 * <p>Invalidation without listing keys: every table has a generation token in the storage (and one token stands for
 * "everything"). A lookup reads the entry and the tokens of the tables its SELECT reads in one round trip; an entry
 * carries the tokens read when its SELECT was sent, and only counts while they are still the current ones. A write
 * replaces the tokens of the tables it changes, so every entry that read them stops counting at once, for every
 * Gatehouse sharing the storage.
 */
final class RemoteStorage {
    /** Bumped when the entry format changes, so that old entries are never read as new ones. */
    private static final String PREFIX = "gh1:";
    private static final String EVERYTHING = PREFIX + "g:*";
    private static final byte FORMAT = 1;

    /** What a lookup found: the entry (null when absent or invalidated) and the tokens to store a new one under. */
    record Found(CacheStorage.Entry entry, List<byte[]> tokens) {
    }

    private final RemoteConnection connection;
    private final RemoteProtocol protocol;
    /** The largest value stored (memcached's item limit, max_value_size); 0 for no limit. */
    private final long maxValueSize;
    private final AtomicLong tokenCounter = new AtomicLong();

    RemoteStorage(RemoteConnection connection, RemoteProtocol protocol, long maxValueSize) {
        this.connection = connection;
        this.protocol = protocol;
        this.maxValueSize = maxValueSize;
    }

    boolean isUp() {
        return connection.isUp();
    }

    String describe() {
        return connection.describe();
    }

    static String entryKey(CacheStorage.Key key) {
        return PREFIX + "e:" + digest(key.user() + '\0' + key.database() + '\0' + key.sql() + '\0'
                + (key.deprecateEof() ? '1' : '0'));
    }

    private static String tableKey(String table) {
        return PREFIX + "g:" + digest(table);
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);          // every JDK has SHA-256
        }
    }

    /** The token keys of a SELECT that reads {@code tables}: "everything" first, then each table in sorted order. */
    private static List<String> tokenKeys(Set<String> tables) {
        List<String> keys = new ArrayList<>();
        keys.add(EVERYTHING);
        for (String t : new TreeSet<>(tables)) {
            keys.add(tableKey(t));
        }
        return keys;
    }

    /**
     * Looks {@code key} up (null: only the tokens, for a result this session may store but not use) with the tokens
     * of {@code tables}; completes on the I/O thread with what was found, or with null when the storage could not
     * answer (then nothing is cached for this statement).
     */
    CompletableFuture<Found> lookup(CacheStorage.Key key, Set<String> tables) {
        List<String> keys = new ArrayList<>();
        if (key != null) {
            keys.add(entryKey(key));
        }
        keys.addAll(tokenKeys(tables));
        int first = key != null ? 1 : 0;
        return connection.send(out -> protocol.writeGet(out, keys), RemoteProtocol.Expect.VALUES, keys, 1)
                .thenApply(reply -> {
                    if (!(reply instanceof List<?> values)) {
                        return null;
                    }
                    List<byte[]> tokens = new ArrayList<>();
                    for (int i = first; i < values.size(); i++) {
                        byte[] t = (byte[]) values.get(i);
                        tokens.add(t == null ? new byte[0] : t);
                    }
                    return new Found(key == null ? null : decode((byte[]) values.get(0), tokens), tokens);
                });
    }

    /** Stores a result read under {@code tokens} (from its lookup), for {@code hardTtlNanos} (0: no limit). */
    void store(CacheStorage.Key key, byte[] packets, int lastPacketAt, List<byte[]> tokens, long hardTtlNanos) {
        byte[] value = encode(packets, lastPacketAt, tokens);
        if (maxValueSize > 0 && value.length > maxValueSize) {
            return;
        }
        String k = entryKey(key);
        long ttl = hardTtlNanos <= 0 ? 0 : Math.max(1, hardTtlNanos / 1_000_000);
        send(out -> protocol.writeSet(out, List.of(k), List.of(value), ttl), 1);
    }

    /** Makes every entry that read one of {@code tables} ({@code db.table}, lower case) stop counting. */
    void invalidate(Set<String> tables) {
        List<String> keys = new ArrayList<>();
        for (String t : new TreeSet<>(tables)) {
            keys.add(tableKey(t));
        }
        replaceTokens(keys);
    }

    /** Makes every entry stop counting. */
    void clear() {
        replaceTokens(List.of(EVERYTHING));
    }

    private void replaceTokens(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            values.add(newToken());
        }
        int replies = protocol instanceof MemcachedProtocol ? keys.size() : 1;
        send(out -> protocol.writeSet(out, keys, values, 0), replies);
    }

    private void send(Consumer<ByteBuf> writer, int replies) {
        connection.send(writer, RemoteProtocol.Expect.STATUS, List.of(), replies);
    }

    /** A token no other write used: random bits and a counter, so two Gatehouses never pick the same one. */
    private byte[] newToken() {
        return (Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-"
                + Long.toHexString(tokenCounter.incrementAndGet())).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * An entry: format byte, the wall-clock time it was stored, where its last packet starts, the tokens it was read
     * under, then the packets.
     */
    static byte[] encode(byte[] packets, int lastPacketAt, List<byte[]> tokens) {
        int size = 1 + 8 + 4 + 2 + packets.length;
        for (byte[] t : tokens) {
            size += 2 + t.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(FORMAT).putLong(System.currentTimeMillis()).putInt(lastPacketAt).putShort((short) tokens.size());
        for (byte[] t : tokens) {
            b.putShort((short) t.length).put(t);
        }
        b.put(packets);
        return b.array();
    }

    /**
     * The entry in {@code value} if it is one and was stored under exactly {@code current}'s tokens, else null. Its
     * age (from the wall clock, which every Gatehouse sharing the storage reads) is turned into this process's
     * {@link System#nanoTime()} scale, so the TTL checks are the in-memory storage's.
     */
    static CacheStorage.Entry decode(byte[] value, List<byte[]> current) {
        if (value == null || value.length < 15 || value[0] != FORMAT) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        b.get();
        long storedMillis = b.getLong();
        int lastPacketAt = b.getInt();
        int n = b.getShort() & 0xffff;
        if (n != current.size()) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if (b.remaining() < 2) {
                return null;
            }
            int len = b.getShort() & 0xffff;
            if (b.remaining() < len) {
                return null;
            }
            byte[] t = new byte[len];
            b.get(t);
            if (!java.util.Arrays.equals(t, current.get(i))) {
                return null;                              // a write changed one of its tables since
            }
        }
        byte[] packets = new byte[b.remaining()];
        b.get(packets);
        if (lastPacketAt < 0 || lastPacketAt >= packets.length) {
            return null;
        }
        long ageNanos = Math.max(0, System.currentTimeMillis() - storedMillis) * 1_000_000L;
        return new CacheStorage.Entry(packets, lastPacketAt, System.nanoTime() - ageNanos, Set.of());
    }

    void close() {
        connection.close();
    }
}
