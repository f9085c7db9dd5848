package io.gatehouse.filters.firewall;

/** Writes and reads statement digests as 16 lowercase hex digits (an optional {@code 0x} is accepted). Stateless. */
final class Digests {
    private Digests() {
    }

    static String format(long digest) {
        String hex = Long.toHexString(digest);
        return "0".repeat(16 - hex.length()) + hex;
    }

    /** @throws IllegalArgumentException naming {@code field} when {@code text} is not a digest */
    static long parse(String field, String text) {
        String t = text.trim();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        if (t.isEmpty() || t.length() > 16 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException(field + ": '" + text + "' (expected: a digest of up to 16 hex digits)");
        }
        return Long.parseUnsignedLong(t, 16);
    }
}
