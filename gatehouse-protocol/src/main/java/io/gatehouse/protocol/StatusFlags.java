package io.gatehouse.protocol;

/**
 * The server status flags carried in OK and EOF packets and in the initial handshake. Constants only; thread-safe.
 */
public final class StatusFlags {
    public static final int IN_TRANS = 1;
    public static final int AUTOCOMMIT = 2;
    public static final int MORE_RESULTS_EXISTS = 8;
    public static final int NO_GOOD_INDEX_USED = 16;
    public static final int NO_INDEX_USED = 32;
    public static final int CURSOR_EXISTS = 64;
    public static final int LAST_ROW_SENT = 128;
    public static final int DB_DROPPED = 256;
    public static final int NO_BACKSLASH_ESCAPES = 512;
    public static final int METADATA_CHANGED = 1024;
    public static final int QUERY_WAS_SLOW = 2048;
    public static final int PS_OUT_PARAMS = 4096;
    public static final int IN_TRANS_READONLY = 8192;
    public static final int SESSION_STATE_CHANGED = 16384;

    private static final String[] NAMES = {"IN_TRANS", "AUTOCOMMIT", "bit2", "MORE_RESULTS_EXISTS",
        "NO_GOOD_INDEX_USED", "NO_INDEX_USED", "CURSOR_EXISTS", "LAST_ROW_SENT", "DB_DROPPED", "NO_BACKSLASH_ESCAPES",
        "METADATA_CHANGED", "QUERY_WAS_SLOW", "PS_OUT_PARAMS", "IN_TRANS_READONLY", "SESSION_STATE_CHANGED", "bit15"};

    private StatusFlags() {
    }

    /** The names of the set flags joined with '|', for logs. */
    public static String describe(int status) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < 16; bit++) {
            if ((status & (1 << bit)) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(NAMES[bit]);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
