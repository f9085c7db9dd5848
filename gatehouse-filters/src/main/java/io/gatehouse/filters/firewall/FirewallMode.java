package io.gatehouse.filters.firewall;

import java.util.Locale;

/** The firewall's {@code mode} parameter: what happens to statements. An immutable constant. */
enum FirewallMode {
    /** Every statement passes; each user@host's new digests are recorded. */
    LEARNING,
    /** Statements that a deny rule matches, or that no allow rule and no learned digest allows, are refused. */
    ENFORCING,
    /** Every statement passes and nothing is recorded. */
    OFF;

    static FirewallMode of(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }

    String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
