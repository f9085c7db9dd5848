package io.gatehouse.routers.readwritesplit;

import java.util.Locale;

/**
 * The values of {@code causal_reads}: whose writes a read must see (the session's, the service's, or every commit
 * on the cluster) and whether a replica is waited for ({@code MASTER_GTID_WAIT}) or only chosen when the monitor
 * already saw it has the writes (the fast modes, which send the read to the primary otherwise). Immutable.
 */
enum CausalMode {
    NONE, LOCAL, GLOBAL, FAST, FAST_GLOBAL, UNIVERSAL, FAST_UNIVERSAL;

    /**
     * The mode a configured value names. MaxScale's older boolean spellings are still read as it reads them: a true
     * value means {@code local}, a false one {@code none}.
     */
    static CausalMode of(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "on", "yes", "1" -> LOCAL;
            case "false", "off", "no", "0" -> NONE;
            default -> valueOf(v.toUpperCase(Locale.ROOT));
        };
    }

    /** True for the values that are boolean spellings (deprecated in MaxScale since 2.5). */
    static boolean isBooleanSpelling(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1", "false", "off", "no", "0" -> true;
            default -> false;
        };
    }

    /** Never waits on a replica: a replica is used only when the monitor shows it has the writes. */
    boolean fast() {
        return this == FAST || this == FAST_GLOBAL || this == FAST_UNIVERSAL;
    }

    /** The position that matters is the service's latest write, kept for every session of the service. */
    boolean serviceWide() {
        return this == GLOBAL || this == FAST_GLOBAL;
    }

    /** Every read first asks the primary how far it is ({@code @@gtid_binlog_pos}). */
    boolean universal() {
        return this == UNIVERSAL || this == FAST_UNIVERSAL;
    }
}
