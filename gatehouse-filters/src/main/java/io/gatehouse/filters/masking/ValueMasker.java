package io.gatehouse.filters.masking;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;

/**
 * Masks one column value in place inside a row packet, keeping its length in bytes so that the row's length
 * prefixes stay valid: the rule's {@code value} when it has exactly the value's length, else the {@code fill}
 * repeated (and cut) to that length; with {@code match}, only the matched parts (or captured groups); with
 * {@code obfuscate}, printable characters derived from the value, so equal values stay equal. Stateless; writes
 * into the caller's buffer, never keeps it.
 */
final class ValueMasker {
    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".getBytes(StandardCharsets.US_ASCII);

    private ValueMasker() {
    }

    /** Masks the {@code len} bytes of {@code buf} at absolute index {@code at} by {@code rule}. */
    static void mask(ByteBuf buf, int at, int len, MaskingRules.Rule rule) {
        if (len == 0) {
            return;
        }
        if (rule.obfuscates()) {
            obfuscate(buf, at, len);
        } else if (rule.match() != null) {
            maskMatches(buf, at, len, rule);
        } else if (rule.value() != null && rule.value().length == len) {
            buf.setBytes(at, rule.value());
        } else {
            fill(buf, at, len, rule.fill());
        }
    }

    private static void fill(ByteBuf buf, int at, int len, byte[] fill) {
        for (int i = 0; i < len; i++) {
            buf.setByte(at + i, fill[i % fill.length]);
        }
    }

    /** Fills the byte ranges the expression matches (or its groups capture) in the value decoded as UTF-8. */
    private static void maskMatches(ByteBuf buf, int at, int len, MaskingRules.Rule rule) {
        String text = buf.toString(at, len, StandardCharsets.UTF_8);
        Matcher m = rule.match().matcher(text);
        boolean groups = m.groupCount() > 0;
        while (m.find()) {
            if (groups) {
                for (int g = 1; g <= m.groupCount(); g++) {
                    if (m.start(g) >= 0) {
                        fillChars(buf, at, text, m.start(g), m.end(g), rule.fill());
                    }
                }
            } else {
                fillChars(buf, at, text, m.start(), m.end(), rule.fill());
            }
            if (m.end() == m.start() && m.end() >= text.length()) {
                break;
            }
        }
    }

    private static void fillChars(ByteBuf buf, int at, String text, int from, int to, byte[] fill) {
        int start = text.substring(0, from).getBytes(StandardCharsets.UTF_8).length;
        int n = text.substring(from, to).getBytes(StandardCharsets.UTF_8).length;
        fill(buf, at + start, n, fill);
    }

    /** Replaces each byte with a letter or digit chosen from a hash of the whole value and the byte's position. */
    private static void obfuscate(ByteBuf buf, int at, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < len; i++) {
            h = (h ^ (buf.getByte(at + i) & 0xFF)) * 0x100000001b3L;
        }
        for (int i = 0; i < len; i++) {
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 29;
            buf.setByte(at + i, ALPHABET[(int) Long.remainderUnsigned(h + i, ALPHABET.length)]);
        }
    }
}
