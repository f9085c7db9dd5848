package io.gatehouse.sql;

import static io.gatehouse.sql.Tokens.*;

import java.util.Arrays;

/**
 * Builds the canonical form of a statement and its 64-bit digest; stateless apart from a per-thread token buffer,
 * usable from any thread. It reads the bytes it is given and returns a new array.
 */
final class Canonicalizer {
    private static final ThreadLocal<Tokens> TOKENS = ThreadLocal.withInitial(() -> new Tokens(256));

    private Canonicalizer() {
    }

    static byte[] canonical(byte[] b, int from, int to, SqlMode mode, int serverVersion) {
        Tokens t = TOKENS.get();
        Lexer.lex(b, from, to, mode, serverVersion, t);
        byte[] out = new byte[Math.max(16, to - from)];
        int n = 0;
        int count = t.count;
        for (int i = 0; i < count; i++) {
            int k = t.kind(i);
            if (n > 0 && t.spaceBefore(i)) {
                out = ensure(out, n + 1);
                out[n++] = ' ';
            }
            if (t.isLiteral(i)) {
                // adjacent string literals are one value
                while (k == STRING && i + 1 < count && t.kind(i + 1) == STRING) {
                    i++;
                }
                out = ensure(out, n + 1);
                out[n++] = '?';
                continue;
            }
            Keyword kw = Keyword.byId(t.keyword[i]);
            if (kw == Keyword.IN && i + 1 < count && t.kind(i + 1) == LPAREN) {
                int close = literalList(t, i + 2, count);
                if (close > 0) {
                    out = append(out, n, b, t.start[i], t.end[i]);
                    n += t.end[i] - t.start[i];
                    byte[] folded = t.spaceBefore(i + 1) ? new byte[] {' ', '(', '.', '.', '.', ')'}
                            : new byte[] {'(', '.', '.', '.', ')'};
                    out = append(out, n, folded, 0, folded.length);
                    n += folded.length;
                    i = close;
                    continue;
                }
            }
            out = append(out, n, b, t.start[i], t.end[i]);
            n += t.end[i] - t.start[i];
            if ((kw == Keyword.VALUES || kw == Keyword.VALUE) && i + 1 < count && t.kind(i + 1) == LPAREN) {
                int rowEnd = rowEnd(t, i + 1, count);
                for (int j = i + 1; j < rowEnd; j++) {
                    if (t.spaceBefore(j)) {
                        out = ensure(out, n + 1);
                        out[n++] = ' ';
                    }
                    boolean literal = t.isLiteral(j);
                    out = literal ? append(out, n, new byte[] {'?'}, 0, 1) : append(out, n, b, t.start[j], t.end[j]);
                    n += literal ? 1 : t.end[j] - t.start[j];
                }
                int next = rowEnd;
                boolean folded = false;
                while (next + 1 < count && t.kind(next) == COMMA && t.kind(next + 1) == LPAREN) {
                    next = rowEnd(t, next + 1, count);
                    folded = true;
                }
                if (folded) {
                    out = append(out, n, new byte[] {',', '.', '.', '.'}, 0, 4);
                    n += 4;
                }
                i = next - 1;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** If tokens from {@code i} are {@code lit [, lit]* )}, the index of the ')'; else -1. */
    private static int literalList(Tokens t, int i, int count) {
        boolean expectLiteral = true;
        for (; i < count; i++) {
            int k = t.kind(i);
            if (expectLiteral) {
                if (!t.isLiteral(i)) {
                    return -1;
                }
                while (k == STRING && i + 1 < count && t.kind(i + 1) == STRING) {
                    i++;
                }
                expectLiteral = false;
            } else if (k == COMMA) {
                expectLiteral = true;
            } else {
                return k == RPAREN ? i : -1;
            }
        }
        return -1;
    }

    private static int rowEnd(Tokens t, int i, int count) {
        int depth = 0;
        for (; i < count; i++) {
            int k = t.kind(i);
            if (k == LPAREN) {
                depth++;
            } else if (k == RPAREN && --depth == 0) {
                return i + 1;
            }
        }
        return count;
    }

    private static byte[] ensure(byte[] out, int size) {
        return size <= out.length ? out : Arrays.copyOf(out, Math.max(size, out.length * 2));
    }

    private static byte[] append(byte[] out, int n, byte[] src, int from, int to) {
        out = ensure(out, n + to - from);
        System.arraycopy(src, from, out, n, to - from);
        return out;
    }

    /** FNV-1a over the bytes, finished with a 64-bit avalanche mix. */
    static long digest(byte[] form) {
        long h = 0xcbf29ce484222325L;
        for (byte c : form) {
            h ^= c & 0xFF;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
