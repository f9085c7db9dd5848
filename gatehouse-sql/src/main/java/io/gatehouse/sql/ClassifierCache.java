package io.gatehouse.sql;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A per-worker LRU cache of classifications keyed by the exact statement bytes, the sql_mode and the server version
 * that executable comments are judged by, bounded by a byte
 * budget (MaxScale's {@code query_classifier_cache_size}, divided among the workers by the caller). Not
 * thread-safe by design: each worker (event loop) owns one instance and is the only thread that touches it, so a
 * hit takes no lock. It reads the caller's bytes during the call only; cached entries keep their own copies.
 *
 * <p>A hit hashes the key eight bytes at a time and compares it with one vectorised {@code Arrays.equals}, then
 * moves the entry to the head of the LRU list: no allocation.
 */
public final class ClassifierCache {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Bookkeeping per entry besides the classification: the entry object and its table slot. */
    private static final int ENTRY_OVERHEAD = 48 + 8;

    private static final class Entry {
        final int hash;
        final Classification value;
        final int size;
        /** Lookups this entry answered, for the admin view ({@code show qc_cache}). */
        long hits;
        Entry next;
        Entry before;
        Entry after;

        Entry(int hash, Classification value, int size) {
            this.hash = hash;
            this.value = value;
            this.size = size;
        }
    }

    private final Classifier classifier;
    private final long maxBytes;
    private Entry[] table = new Entry[64];
    private Entry head;
    private Entry tail;
    private int entries;
    private long bytes;
    private long hits;
    private long misses;
    private long evictions;
    private long inserts;

    /**
     * @param classifier the classifier used on a miss
     * @param maxBytes   this worker's byte budget; 0 disables caching (every lookup is a miss)
     */
    public ClassifierCache(Classifier classifier, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
        }
        this.classifier = classifier;
        this.maxBytes = maxBytes;
    }

    /** Returns the cached classification of {@code sql[offset, offset+length)}, classifying and caching on a miss. */
    public Classification classify(byte[] sql, int offset, int length, SqlMode mode) {
        return classify(sql, offset, length, mode, classifier.serverVersion());
    }

    /**
     * As {@link #classify(byte[], int, int, SqlMode)} for a server of {@code version}: the key is the bytes, the
     * sql_mode and the version, so a statement classified under one mode or version is never served for another.
     */
    public Classification classify(byte[] sql, int offset, int length, SqlMode mode, int version) {
        SqlMode m = mode == null ? SqlMode.DEFAULT : mode;
        int hash = hash(sql, offset, length, m, version);
        Entry e = find(hash, sql, offset, length, m, version);
        if (e != null) {
            hits++;
            e.hits++;
            moveToHead(e);
            return e.value;
        }
        misses++;
        Classification c = classifier.classify(sql, offset, length, m, version);
        put(hash, c);
        return c;
    }

    /**
     * Classifies for a session whose sql_mode may be unknown ({@code mode} null) and whose servers run versions from
     * {@code lowestVersion} to {@code highestVersion} (0 and {@link Integer#MAX_VALUE} when unknown): under each
     * possible mode and at both ends of the range, keeping the result that sends the statement furthest towards
     * the primary. A read is a read only if it is one however the server reads it. When everything is known this
     * is one lookup.
     */
    public Classification classifyCautiously(byte[] sql, int offset, int length, SqlMode mode, int lowestVersion,
                                             int highestVersion) {
        Classification best = null;
        SqlMode[] modes = mode != null ? new SqlMode[] {mode} : ALL_MODES;
        for (SqlMode m : modes) {
            for (int v = 0; v < 2; v++) {
                int version = v == 0 ? highestVersion : lowestVersion;
                if (v == 1 && lowestVersion == highestVersion) {
                    break;
                }
                Classification c = classify(sql, offset, length, m, version);
                if (best == null || caution(c) > caution(best)) {
                    best = c;
                }
            }
        }
        return best;
    }

    private static final SqlMode[] ALL_MODES = {SqlMode.DEFAULT, SqlMode.ANSI_QUOTES, SqlMode.NO_BACKSLASH_ESCAPES,
        SqlMode.ANSI_QUOTES_NO_BACKSLASH_ESCAPES};

    /** How surely a classification sends its statement to the primary: unknown, then write, then not read-safe. */
    private static int caution(Classification c) {
        return c.isUnknown() ? 3 : c.isWrite() ? 2 : c.isReadOnlySafe() ? 0 : 1;
    }

    /** The cached classification or null; counts a hit or a miss. */
    public Classification get(byte[] sql, int offset, int length, SqlMode mode) {
        SqlMode m = mode == null ? SqlMode.DEFAULT : mode;
        int version = classifier.serverVersion();
        Entry e = find(hash(sql, offset, length, m, version), sql, offset, length, m, version);
        if (e == null) {
            misses++;
            return null;
        }
        hits++;
        e.hits++;
        moveToHead(e);
        return e.value;
    }

    /** One cached statement and the lookups it answered. */
    public record Cached(Classification classification, long hits) {
    }

    /** The cached statements, most recently used first; a copy for another thread, made on the owning one. */
    public java.util.List<Cached> snapshot() {
        java.util.List<Cached> out = new java.util.ArrayList<>(entries);
        for (Entry e = head; e != null; e = e.after) {
            out.add(new Cached(e.value, e.hits));
        }
        return out;
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    public long evictions() {
        return evictions;
    }

    /** Classifications added to the cache (a miss whose result fit the budget). */
    public long inserts() {
        return inserts;
    }

    public int size() {
        return entries;
    }

    /** Bytes charged against the budget (keys, classifications and bookkeeping, estimated). */
    public long bytesUsed() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Drops every entry (counted as evictions), e.g. after a configuration change. */
    public void clear() {
        evictions += entries;
        table = new Entry[64];
        head = null;
        tail = null;
        entries = 0;
        bytes = 0;
    }

    private Entry find(int hash, byte[] sql, int offset, int length, SqlMode mode, int version) {
        Entry[] tab = table;
        for (Entry e = tab[hash & (tab.length - 1)]; e != null; e = e.next) {
            if (e.hash == hash && e.value.matches(sql, offset, length, mode, version)) {
                return e;
            }
        }
        return null;
    }

    private void put(int hash, Classification c) {
        int size = c.estimatedSize() + ENTRY_OVERHEAD;
        if (size > maxBytes) {
            return;
        }
        while (bytes + size > maxBytes && tail != null) {
            remove(tail);
            evictions++;
        }
        Entry e = new Entry(hash, c, size);
        int slot = hash & (table.length - 1);
        e.next = table[slot];
        table[slot] = e;
        linkHead(e);
        entries++;
        inserts++;
        bytes += size;
        if (entries > table.length) {
            resize();
        }
    }

    private void remove(Entry e) {
        int slot = e.hash & (table.length - 1);
        Entry prev = null;
        for (Entry x = table[slot]; x != null; prev = x, x = x.next) {
            if (x == e) {
                if (prev == null) {
                    table[slot] = x.next;
                } else {
                    prev.next = x.next;
                }
                break;
            }
        }
        unlink(e);
        entries--;
        bytes -= e.size;
    }

    private void resize() {
        Entry[] old = table;
        Entry[] tab = new Entry[old.length * 2];
        for (Entry first : old) {
            for (Entry e = first; e != null; ) {
                Entry next = e.next;
                int slot = e.hash & (tab.length - 1);
                e.next = tab[slot];
                tab[slot] = e;
                e = next;
            }
        }
        table = tab;
    }

    private void moveToHead(Entry e) {
        if (head != e) {
            unlink(e);
            linkHead(e);
        }
    }

    private void linkHead(Entry e) {
        e.before = null;
        e.after = head;
        if (head != null) {
            head.before = e;
        }
        head = e;
        if (tail == null) {
            tail = e;
        }
    }

    private void unlink(Entry e) {
        if (e.before != null) {
            e.before.after = e.after;
        } else {
            head = e.after;
        }
        if (e.after != null) {
            e.after.before = e.before;
        } else {
            tail = e.before;
        }
        e.before = null;
        e.after = null;
    }

    /** Two interleaved multiply-xor lanes over 8-byte words, then an avalanche mix. */
    static int hash(byte[] b, int offset, int length, SqlMode mode, int version) {
        long h1 = 0x9E3779B97F4A7C15L ^ length;
        long h2 = 0xC2B2AE3D27D4EB4FL + mode.bits() + ((long) version << 2);
        int i = offset;
        int end = offset + length;
        for (; i + 16 <= end; i += 16) {
            h1 = (h1 ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
            h2 = (h2 ^ (long) LONGS.get(b, i + 8)) * 0xC2B2AE3D27D4EB4FL;
        }
        if (i + 8 <= end) {
            h1 = (h1 ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
            i += 8;
        }
        long tailBits = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tailBits |= (b[i] & 0xFFL) << shift;
        }
        h2 = (h2 ^ tailBits) * 0xC2B2AE3D27D4EB4FL;
        long h = Canonicalizer.mix(h1 ^ Long.rotateLeft(h2, 29));
        return (int) (h ^ (h >>> 32));
    }
}
