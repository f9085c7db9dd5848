package io.gatehouse.core.session.pipeline;

import java.util.Arrays;

/**
 * The canonical form of each statement a session prepared, by the statement id its client got, so that the
 * statement statistics count an execution under its statement rather than as a bare COM_STMT_EXECUTE. A small
 * table of parallel arrays scanned from the newest (sessions hold few prepared statements; no boxing per lookup);
 * at most {@link #MAX} entries, later ones are not remembered. Confined to the session's worker thread; no buffers.
 */
final class PreparedTexts {
    static final int MAX = 1024;
    private long[] ids = new long[4];
    private String[] texts = new String[4];
    private long[] digests = new long[4];
    private int size;
    /** The id of the statement prepared last: MariaDB's id 0xFFFFFFFF in an execute means that one. */
    private long lastId = -1;
    static final long LAST_PREPARED = 0xFFFFFFFFL;

    void put(long id, String text, long digest) {
        remove(id);
        lastId = id;
        if (size == MAX) {
            return;
        }
        if (size == ids.length) {
            int n = Math.min(MAX, size * 2);
            ids = Arrays.copyOf(ids, n);
            texts = Arrays.copyOf(texts, n);
            digests = Arrays.copyOf(digests, n);
        }
        ids[size] = id;
        texts[size] = text;
        digests[size] = digest;
        size++;
    }

    /** Bytes kept: the texts' characters and each slot's id, digest and reference (8 bytes each); worker thread. */
    long bytes() {
        long n = (long) ids.length * 24;
        for (int i = 0; i < size; i++) {
            n += texts[i].length();
        }
        return n;
    }

    /** The index of {@code id}, or -1. */
    int find(long id) {
        if (id == LAST_PREPARED) {
            id = lastId;
        }
        for (int i = size - 1; i >= 0; i--) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    String text(int i) {
        return texts[i];
    }

    long digest(int i) {
        return digests[i];
    }

    void remove(long id) {
        int i = find(id);
        if (i < 0) {
            return;
        }
        size--;
        ids[i] = ids[size];
        texts[i] = texts[size];
        digests[i] = digests[size];
        texts[size] = null;
    }

    void clear() {
        Arrays.fill(texts, 0, size, null);
        size = 0;
    }
}
