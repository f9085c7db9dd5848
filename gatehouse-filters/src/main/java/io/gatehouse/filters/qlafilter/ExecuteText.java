package io.gatehouse.filters.qlafilter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;

/**
 * Writes a COM_STMT_EXECUTE as SQL, as MaxScale 24.02's qlafilter does: the prepared text with each {@code ?}
 * placeholder (outside quotes and comments) replaced by the bound value in SQL syntax. Values sent with
 * COM_STMT_SEND_LONG_DATA are not in the execute packet and stay {@code ?}. Stateless; never throws on short or
 * odd packets (the text is then returned with its placeholders).
 */
final class ExecuteText {
    private ExecuteText() {
    }

    /**
     * @param sql     the prepared text
     * @param params  the statement's parameter count (from the prepare response)
     * @param types   the parameter types of the previous execute of this statement (2 bytes each), or null; an
     *                execute that binds new types replaces them, and the ones used are returned in {@code types[0]}
     * @param longData parameters whose value came as long data
     * @param body    the execute packet after the command byte
     */
    static String render(String sql, int params, byte[][] types, BitSet longData, byte[] body) {
        return render(sql, placeholders(sql), params, types, longData, body);
    }

    /**
     * The same with the offsets of the text's placeholders found once ({@link #placeholders}): a statement prepared
     * once and executed many times is scanned for quotes and comments only once.
     */
    static String render(String sql, int[] marks, int params, byte[][] types, BitSet longData, byte[] body) {
        return render(sql, marks, params, types, longData, body, new StringBuilder());
    }

    /**
     * The same, built in {@code out} (emptied first; a session reuses one), with numbers appended without
     * intermediate Strings and the bound types kept when an execute rebinds the same ones.
     */
    static String render(String sql, int[] marks, int params, byte[][] types, BitSet longData, byte[] body,
                         StringBuilder out) {
        if (params == 0 || body.length < 9) {
            return sql;
        }
        try {
            int at = 9;                                          // statement id, flags, iteration count
            int bitmap = (params + 7) / 8;
            int nulls = at;
            at += bitmap;
            boolean bound = body[at++] == 1;
            if (bound) {
                int n = params * 2;
                byte[] old = types[0];
                if (old == null || old.length != n || !Arrays.equals(old, 0, n, body, at, at + n)) {
                    byte[] t = new byte[n];
                    System.arraycopy(body, at, t, 0, n);
                    types[0] = t;
                }
                at += n;
            }
            byte[] t = types[0];
            if (t == null || t.length != params * 2) {
                return sql;
            }
            out.setLength(0);
            int from = 0;
            int[] pos = {at};
            for (int i = 0; i < params; i++) {
                // Values past the last placeholder are still read, so that a truncated packet is noticed.
                boolean shown = i < marks.length;
                if (shown) {
                    out.append(sql, from, marks[i]);
                    from = marks[i] + 1;
                }
                if ((body[nulls + i / 8] & (1 << (i % 8))) != 0) {
                    if (shown) {
                        out.append("NULL");
                    }
                } else if (longData.get(i)) {
                    if (shown) {
                        out.append('?');
                    }
                } else if (shown) {
                    appendValue(out, body, pos, t[2 * i] & 0xFF, (t[2 * i + 1] & 0x80) != 0);
                } else {
                    value(body, pos, t[2 * i] & 0xFF, (t[2 * i + 1] & 0x80) != 0);
                }
            }
            return out.append(sql, from, sql.length()).toString();
        } catch (IndexOutOfBoundsException e) {
            return sql;
        }
    }

    /** Appends the value {@link #value} reads, integers without an intermediate String. */
    private static void appendValue(StringBuilder out, byte[] b, int[] pos, int type, boolean unsigned) {
        int at = pos[0];
        switch (type) {
            case 1 -> {
                pos[0] = at + 1;
                out.append(unsigned ? b[at] & 0xFF : b[at]);
            }
            case 2, 13 -> {
                pos[0] = at + 2;
                int v = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
                out.append(unsigned || type == 13 ? v : (short) v);
            }
            case 3, 9 -> {
                pos[0] = at + 4;
                int v = (int) le(b, at, 4);
                out.append(unsigned ? v & 0xFFFFFFFFL : v);
            }
            case 8 -> {
                pos[0] = at + 8;
                long v = le(b, at, 8);
                if (unsigned && v < 0) {
                    out.append(Long.toUnsignedString(v));
                } else {
                    out.append(v);
                }
            }
            default -> out.append(value(b, pos, type, unsigned));
        }
    }

    /** One binary-protocol value at {@code pos[0]}, advancing it. */
    static String value(byte[] b, int[] pos, int type, boolean unsigned) {
        int at = pos[0];
        switch (type) {
            case 1 -> {
                pos[0] = at + 1;
                return unsigned ? String.valueOf(b[at] & 0xFF) : String.valueOf(b[at]);
            }
            case 2, 13 -> {
                pos[0] = at + 2;
                int v = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
                return unsigned || type == 13 ? String.valueOf(v) : String.valueOf((short) v);
            }
            case 3, 9 -> {
                pos[0] = at + 4;
                int v = (int) le(b, at, 4);
                return unsigned ? Integer.toUnsignedString(v) : String.valueOf(v);
            }
            case 8 -> {
                pos[0] = at + 8;
                long v = le(b, at, 8);
                return unsigned ? Long.toUnsignedString(v) : String.valueOf(v);
            }
            case 4 -> {
                pos[0] = at + 4;
                return String.valueOf(Float.intBitsToFloat((int) le(b, at, 4)));
            }
            case 5 -> {
                pos[0] = at + 8;
                return String.valueOf(Double.longBitsToDouble(le(b, at, 8)));
            }
            case 6 -> {
                return "NULL";
            }
            case 7, 10, 12 -> {
                return dateTime(b, pos, type == 10);
            }
            case 11 -> {
                return time(b, pos);
            }
            default -> {
                long len = lenenc(b, pos);
                int from = pos[0];
                pos[0] = Math.addExact(from, (int) len);
                if (pos[0] > b.length) {
                    throw new IndexOutOfBoundsException("value past the packet");
                }
                return quote(new String(b, from, (int) len, StandardCharsets.UTF_8));
            }
        }
    }

    private static String dateTime(byte[] b, int[] pos, boolean dateOnly) {
        int at = pos[0];
        int len = b[at] & 0xFF;
        pos[0] = at + 1 + len;
        int year = len >= 4 ? (int) le(b, at + 1, 2) : 0;
        int month = len >= 4 ? b[at + 3] : 0;
        int day = len >= 4 ? b[at + 4] : 0;
        String date = String.format(Locale.ROOT, "%04d-%02d-%02d", year, month, day);
        if (dateOnly) {
            return "'" + date + "'";
        }
        int h = len >= 7 ? b[at + 5] : 0;
        int m = len >= 7 ? b[at + 6] : 0;
        int s = len >= 7 ? b[at + 7] : 0;
        String micros = len >= 11 ? String.format(Locale.ROOT, ".%06d", le(b, at + 8, 4)) : "";
        return "'" + date + String.format(Locale.ROOT, " %02d:%02d:%02d", h, m, s) + micros + "'";
    }

    private static String time(byte[] b, int[] pos) {
        int at = pos[0];
        int len = b[at] & 0xFF;
        pos[0] = at + 1 + len;
        if (len < 8) {
            return "'00:00:00'";
        }
        boolean negative = b[at + 1] == 1;
        long hours = le(b, at + 2, 4) * 24 + b[at + 6];
        String micros = len >= 12 ? String.format(Locale.ROOT, ".%06d", le(b, at + 9, 4)) : "";
        return "'" + (negative ? "-" : "") + String.format(Locale.ROOT, "%02d:%02d:%02d", hours, b[at + 7], b[at + 8]) + micros
                + "'";
    }

    private static long le(byte[] b, int at, int n) {
        if (at + n > b.length) {
            throw new IndexOutOfBoundsException("value past the packet");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) (b[at + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    private static long lenenc(byte[] b, int[] pos) {
        int first = b[pos[0]++] & 0xFF;
        int size = first < 0xFB ? 0 : first == 0xFC ? 2 : first == 0xFD ? 3 : first == 0xFE ? 8 : -1;
        if (size < 0) {
            throw new IndexOutOfBoundsException("not a length");
        }
        if (size == 0) {
            return first;
        }
        long v = le(b, pos[0], size);
        pos[0] += size;
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IndexOutOfBoundsException("length too large");
        }
        return v;
    }

    /** A string literal in single quotes, with quotes and backslashes escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('\'').toString();
    }

    /** {@code sql} with the placeholders at {@code marks} replaced by {@code values}, in order. */
    static String substitute(String sql, int[] marks, String[] values) {
        int n = Math.min(marks.length, values.length);
        int extra = 0;
        for (int i = 0; i < n; i++) {
            extra += values[i].length();
        }
        StringBuilder sb = new StringBuilder(sql.length() + extra);
        int from = 0;
        for (int i = 0; i < n; i++) {
            sb.append(sql, from, marks[i]).append(values[i]);
            from = marks[i] + 1;
        }
        return sb.append(sql, from, sql.length()).toString();
    }

    /** The offsets of the placeholders of {@code sql} that are outside quotes and comments. */
    static int[] placeholders(String sql) {
        int[] out = new int[4];
        int count = 0;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int end = i + 1;
            if (c == '\'' || c == '"' || c == '`') {
                while (end < n && sql.charAt(end) != c) {
                    end += sql.charAt(end) == '\\' && c != '`' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            } else if (c == '#' || (c == '-' && sql.startsWith("-- ", i))) {
                int nl = sql.indexOf('\n', i);
                end = nl < 0 ? n : nl;
            } else if (c == '/' && sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                end = close < 0 ? n : close + 2;
            } else if (c == '?') {
                if (count == out.length) {
                    out = java.util.Arrays.copyOf(out, count * 2);
                }
                out[count++] = i;
            }
            i = end;
        }
        return java.util.Arrays.copyOf(out, count);
    }

    /** {@code sql} with its placeholders outside quotes and comments replaced by {@code values}, in order. */
    static String substitute(String sql, String[] values) {
        return substitute(sql, placeholders(sql), values);
    }
}
