package io.gatehouse.filters.qlafilter;

import java.util.Arrays;

/**
 * A growable byte array that one qlafilter log line is formatted into as UTF-8, reused line after line so that
 * logging a statement allocates nothing once the buffer has grown to the longest line. One instance per worker
 * thread ({@link #forThisThread}); it is used only between the start of a line's formatting and the write of its
 * bytes, which never nests, so the sessions of a worker share it. Holds no buffers of others.
 */
final class LineBuffer {
    /** A buffer grown past this by a huge statement is dropped after its line, not kept for the worker's life. */
    private static final int KEEP = 64 * 1024;
    private static final int INITIAL = 256;
    private static final ThreadLocal<LineBuffer> PER_THREAD = ThreadLocal.withInitial(LineBuffer::new);

    private byte[] bytes = new byte[INITIAL];
    private int length;

    /** The calling thread's buffer, emptied. */
    static LineBuffer forThisThread() {
        LineBuffer b = PER_THREAD.get();
        b.reset();
        return b;
    }

    void reset() {
        if (bytes.length > KEEP) {
            bytes = new byte[INITIAL];
        }
        length = 0;
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    LineBuffer add(byte b) {
        ensure(1);
        bytes[length++] = b;
        return this;
    }

    LineBuffer add(byte[] b) {
        return add(b, 0, b.length);
    }

    LineBuffer add(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
        return this;
    }

    /** Appends the decimal digits of {@code v}, as {@link Long#toString(long)} writes them. */
    LineBuffer number(long v) {
        if (v == Long.MIN_VALUE) {
            return text("-9223372036854775808");
        }
        if (v < 0) {
            add((byte) '-');
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
        return this;
    }

    /** Appends {@code s} encoded as {@link String#getBytes} with UTF-8 does (an unpaired surrogate becomes '?'). */
    LineBuffer text(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                i = wide(s, i);
                ensure(n - i);
            }
        }
        return this;
    }

    /**
     * Appends {@code s} with each newline sequence (CR LF, LF or CR) replaced by {@code replacement}, unless the
     * replacement is empty.
     */
    LineBuffer sql(String s, byte[] replacement) {
        if (replacement.length == 0) {
            return text(s);
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                add(replacement);
                if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (c < 0x80) {
                add((byte) c);
            } else {
                i = wide(s, i);
            }
        }
        return this;
    }

    /** The same for statement bytes taken as they came (ASCII, or UTF-8 known to be well formed). */
    LineBuffer sql(byte[] b, int len, byte[] replacement) {
        if (replacement.length == 0) {
            return add(b, 0, len);
        }
        ensure(len);
        for (int i = 0; i < len; i++) {
            byte c = b[i];
            if (c == '\r' || c == '\n') {
                add(replacement);
                if (c == '\r' && i + 1 < len && b[i + 1] == '\n') {
                    i++;
                }
            } else {
                add(c);
            }
        }
        return this;
    }

    /** Encodes the non-ASCII char at {@code i} (with its low surrogate if paired) and returns the last index used. */
    private int wide(String s, int i) {
        char c = s.charAt(i);
        ensure(4);
        if (c < 0x800) {
            bytes[length++] = (byte) (0xC0 | c >> 6);
            bytes[length++] = (byte) (0x80 | c & 0x3F);
            return i;
        }
        if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(i + 1));
                bytes[length++] = (byte) (0xF0 | cp >> 18);
                bytes[length++] = (byte) (0x80 | cp >> 12 & 0x3F);
                bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3F);
                bytes[length++] = (byte) (0x80 | cp & 0x3F);
                return i + 1;
            }
            bytes[length++] = '?';
            return i;
        }
        bytes[length++] = (byte) (0xE0 | c >> 12);
        bytes[length++] = (byte) (0x80 | c >> 6 & 0x3F);
        bytes[length++] = (byte) (0x80 | c & 0x3F);
        return i;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
