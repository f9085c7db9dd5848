package io.gatehouse.core.users;

import java.util.Locale;

/**
 * How one listener matches logins against the service's accounts (its {@code authenticator} and
 * {@code authenticator_options}): whether the client's host counts, how database names compare, and whether ed25519
 * accounts may log in. Immutable; made on the main thread, read on workers.
 *
 * @param matchHost           {@code match_host}: false matches accounts by user name only, ignoring the client's host
 * @param lowerCaseTableNames {@code lower_case_table_names}: 0 compares database names exactly, 1 lower-cases the
 *                            requested name first, 2 ignores case (ASCII only, as the server's option)
 * @param ed25519             the listener's {@code authenticator} list names {@code ed25519auth}
 */
public record MatchRules(boolean matchHost, int lowerCaseTableNames, boolean ed25519) {
    /** MaxScale's defaults: hosts matter, names compare exactly, ed25519 accounts served. */
    public static final MatchRules DEFAULT = new MatchRules(true, 0, true);

    public MatchRules {
        if (lowerCaseTableNames < 0 || lowerCaseTableNames > 2) {
            throw new IllegalArgumentException("lower_case_table_names: " + lowerCaseTableNames + " (expected: 0, 1 or 2)");
        }
    }

    /** The requested database name as compared: lower-cased under mode 1. */
    String requested(String db) {
        return lowerCaseTableNames == 1 ? asciiLower(db) : db;
    }

    boolean ignoreCase() {
        return lowerCaseTableNames == 2;
    }

    static String asciiLower(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, (char) (c + 32));
            }
        }
        return b == null ? s : b.toString();
    }

    /** Text for diagnostics. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "match_host=%s,lower_case_table_names=%d", matchHost, lowerCaseTableNames);
    }
}
