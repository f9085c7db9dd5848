package io.gatehouse.filters.firewall;

import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Operation;
import io.gatehouse.sql.QueryType;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One operator rule of the firewall: allows or denies the statements of the users and client hosts it names (SQL
 * {@code LIKE} patterns, {@code %} and {@code _}), of one statement class (the classifier's operation and/or type
 * bits) and of one canonical digest; a field left out matches everything. Immutable and thread-safe; holds no
 * buffers.
 *
 * @param id        the rule's number, unique within the filter
 * @param allow     true for an allow rule, false for a deny rule
 * @param user      the user pattern, or null for any user
 * @param host      the client-address pattern, or null for any host
 * @param operation the statement's operation, or null for any
 * @param type      the type bits the statement must all have ({@link QueryType}), or 0 for any
 * @param digest    the canonical digest, or null for any statement
 * @param note      free text for the operator (the canonical form the digest stands for), may be empty
 */
record FirewallRule(long id, boolean allow, String user, String host, Operation operation, int type, Long digest,
                    String note, Pattern userPattern, Pattern hostPattern) {

    /** True when this rule applies to a statement of {@code user} from {@code host}. */
    boolean matches(String user, String host, Classification c, long statementDigest) {
        return (digest == null || digest == statementDigest)
                && (operation == null || operation == c.operation())
                && (type == 0 || QueryType.has(c.typeMask(), type))
                && (userPattern == null || userPattern.matcher(user).matches())
                && (hostPattern == null || hostPattern.matcher(host).matches());
    }

    /** The rule as the admin API and the rules file show it. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("action", allow ? "allow" : "deny");
        m.put("user", user == null ? "%" : user);
        m.put("host", host == null ? "%" : host);
        m.put("operation", operation == null ? "*" : operation.name());
        m.put("type", type == 0 ? "*" : QueryType.toString(type));
        m.put("digest", digest == null ? "*" : Digests.format(digest));
        m.put("note", note);
        return m;
    }

    /**
     * Reads a rule from JSON (an object with {@code action} and any of {@code user}, {@code host},
     * {@code operation}, {@code type}, {@code digest}, {@code note}); {@code id} is used when the JSON has none.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule
     */
    static FirewallRule fromJson(Object json, long id) {
        if (!(json instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("rule: " + json + " (expected: an object with an action)");
        }
        for (Object key : m.keySet()) {
            if (!java.util.Set.of("id", "action", "user", "host", "operation", "type", "digest", "note")
                    .contains(key)) {
                throw new IllegalArgumentException("rule: unknown field '" + key + "' (expected: id, action, user,"
                        + " host, operation, type, digest, note)");
            }
        }
        Object idValue = m.get("id");
        if (idValue instanceof Number n && n.longValue() > 0) {
            id = n.longValue();
        }
        String action = text(m, "action");
        if (action == null || !(action.equalsIgnoreCase("allow") || action.equalsIgnoreCase("deny"))) {
            throw new IllegalArgumentException("action: '" + action + "' (expected: allow or deny)");
        }
        String user = wildcard(text(m, "user"));
        String host = wildcard(text(m, "host"));
        Operation op = null;
        String opText = wildcard(text(m, "operation"));
        if (opText != null) {
            try {
                op = Operation.valueOf(opText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("operation: '" + opText + "' (expected: * or a statement"
                        + " operation such as SELECT, INSERT, UPDATE, DELETE, SET, CALL)");
            }
        }
        int type = 0;
        String typeText = wildcard(text(m, "type"));
        if (typeText != null) {
            for (String part : typeText.split("[|,]")) {
                int bit = typeBit(part.trim());
                if (bit == 0) {
                    throw new IllegalArgumentException("type: '" + part.trim() + "' (expected: * or type names such as"
                            + " READ, WRITE, SESSION_WRITE, joined with |)");
                }
                type |= bit;
            }
        }
        String digestText = wildcard(text(m, "digest"));
        Long digest = digestText == null ? null : Digests.parse("digest", digestText);
        String note = text(m, "note");
        return new FirewallRule(id, action.equalsIgnoreCase("allow"), user, host, op, type, digest,
                note == null ? "" : note, like(user), like(host));
    }

    /** The same rule under another id. */
    FirewallRule withId(long newId) {
        return new FirewallRule(newId, allow, user, host, operation, type, digest, note, userPattern, hostPattern);
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map || v instanceof java.util.List) {
            throw new IllegalArgumentException(key + ": " + v + " (expected: a string)");
        }
        return v.toString();
    }

    /** Null for "any": absent, empty, {@code *} or {@code %}. */
    private static String wildcard(String s) {
        return s == null || s.isEmpty() || s.equals("*") || s.equals("%") ? null : s;
    }

    private static int typeBit(String name) {
        for (int bit = 0; bit < 31; bit++) {
            if (QueryType.toString(1 << bit).equalsIgnoreCase(name)) {
                return 1 << bit;
            }
        }
        return 0;
    }

    /** An SQL LIKE pattern ({@code %} any run, {@code _} one character, case-sensitive) as a regex; null for null. */
    static Pattern like(String pattern) {
        if (pattern == null) {
            return null;
        }
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '%' || ch == '_') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(ch == '%' ? ".*" : ".");
            } else {
                literal.append(ch);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
