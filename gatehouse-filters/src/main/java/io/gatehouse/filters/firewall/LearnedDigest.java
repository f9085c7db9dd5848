package io.gatehouse.filters.firewall;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One digest a user used from one client host while the firewall was learning (or that an operator added).
 * Immutable; holds no buffers.
 *
 * @param user      the user name
 * @param host      the client address
 * @param digest    the canonical digest
 * @param canonical the canonical form it stands for, cut to {@link #MAX_CANONICAL} characters
 * @param firstSeen when it was recorded
 */
record LearnedDigest(String user, String host, long digest, String canonical, Instant firstSeen) {
    /** Keeps the rules file readable when an application sends huge statements. */
    static final int MAX_CANONICAL = 1024;

    static String cut(String canonical) {
        return canonical == null ? "" : canonical.length() <= MAX_CANONICAL ? canonical
                : canonical.substring(0, MAX_CANONICAL);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", user);
        m.put("host", host);
        m.put("digest", Digests.format(digest));
        m.put("canonical", canonical);
        m.put("first_seen", firstSeen.toString());
        return m;
    }

    /**
     * Reads one from JSON: {@code user}, {@code host} and {@code digest} required, {@code canonical} and
     * {@code first_seen} optional.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule
     */
    static LearnedDigest fromJson(Object json) {
        if (!(json instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("learned digest: " + json
                    + " (expected: an object with user, host and digest)");
        }
        String user = required(m, "user");
        String host = required(m, "host");
        long digest = Digests.parse("digest", required(m, "digest"));
        Object canonical = m.get("canonical");
        Instant first = Instant.now();
        Object seen = m.get("first_seen");
        if (seen != null) {
            try {
                first = Instant.parse(seen.toString());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("first_seen: '" + seen + "' (expected: an ISO-8601 instant)");
            }
        }
        return new LearnedDigest(user, host, digest, cut(canonical == null ? "" : canonical.toString()), first);
    }

    private static String required(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null || v instanceof Map || v instanceof java.util.List || v.toString().isEmpty()) {
            throw new IllegalArgumentException(key + ": " + v + " (expected: a non-empty string)");
        }
        return v.toString();
    }
}
