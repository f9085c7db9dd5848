package io.gatehouse.sql;

import java.nio.charset.StandardCharsets;

/**
 * A read-only, case-insensitive lookup table from ASCII words to small integers, probed straight from the bytes of
 * a statement without creating a String; built once at class initialisation and then shared by all threads.
 */
final class NameTable {
    /** Lower-cases ASCII letters and leaves every other byte alone. */
    static final byte[] LOWER = new byte[256];

    static {
        for (int i = 0; i < 256; i++) {
            LOWER[i] = (byte) (i >= 'A' && i <= 'Z' ? i + 32 : i);
        }
    }

    private final byte[][] words;
    private final int[] values;
    private final int mask;

    /** Maps {@code names[i]} to {@code i}; null entries are skipped. */
    NameTable(String[] names) {
        int size = Integer.highestOneBit(Math.max(16, names.length * 4)) << 1;
        words = new byte[size][];
        values = new int[size];
        mask = size - 1;
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null) {
                continue;
            }
            byte[] word = names[i].toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            int slot = hash(word, 0, word.length) & mask;
            while (words[slot] != null) {
                if (java.util.Arrays.equals(words[slot], word)) {
                    throw new IllegalArgumentException("duplicate name: " + names[i]);
                }
                slot = (slot + 1) & mask;
            }
            words[slot] = word;
            values[slot] = i;
        }
    }

    /** Case-insensitive hash of {@code length} bytes; must agree with the construction above. */
    static int hash(byte[] b, int from, int length) {
        int h = 0;
        for (int i = from, end = from + length; i < end; i++) {
            h = h * 31 + LOWER[b[i] & 0xFF];
        }
        return finish(h);
    }

    /** The last step of {@link #hash}, for callers that accumulated {@code h * 31 + LOWER[b]} themselves. */
    static int finish(int h) {
        return h ^ (h >>> 15);
    }

    /** The value of the word at {@code b[from, from+length)}, or -1 if it is not in the table. */
    int lookup(byte[] b, int from, int length) {
        return lookup(b, from, length, hash(b, from, length));
    }

    /** As {@link #lookup(byte[], int, int)} with a hash already computed by {@link #hash}. */
    int lookup(byte[] b, int from, int length, int hash) {
        int slot = hash & mask;
        byte[] word;
        while ((word = words[slot]) != null) {
            if (word.length == length && sameIgnoringCase(word, b, from)) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    private static boolean sameIgnoringCase(byte[] lowerWord, byte[] b, int from) {
        for (int i = 0; i < lowerWord.length; i++) {
            if (lowerWord[i] != LOWER[b[from + i] & 0xFF]) {
                return false;
            }
        }
        return true;
    }
}
