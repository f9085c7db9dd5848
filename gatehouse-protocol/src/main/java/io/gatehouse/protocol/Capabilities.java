package io.gatehouse.protocol;

/**
 * The client and server capability flags, held as one 64-bit value: the low 32 bits are the standard flags, the
 * high 32 bits are MariaDB's extended capabilities (sent in otherwise unused handshake bytes when
 * {@link #CLIENT_MYSQL} is clear). Constants only; thread-safe.
 */
public final class Capabilities {
    /** Named CLIENT_LONG_PASSWORD by MySQL; MariaDB clears it to mean "I speak the MariaDB extensions". */
    public static final long CLIENT_MYSQL = 1;
    public static final long FOUND_ROWS = 2;
    public static final long LONG_FLAG = 4;
    public static final long CONNECT_WITH_DB = 8;
    public static final long NO_SCHEMA = 16;
    public static final long COMPRESS = 32;
    public static final long ODBC = 64;
    public static final long LOCAL_FILES = 128;
    public static final long IGNORE_SPACE = 256;
    public static final long PROTOCOL_41 = 512;
    public static final long INTERACTIVE = 1024;
    public static final long SSL = 2048;
    public static final long IGNORE_SIGPIPE = 4096;
    public static final long TRANSACTIONS = 8192;
    public static final long RESERVED = 16384;
    public static final long SECURE_CONNECTION = 32768;
    public static final long MULTI_STATEMENTS = 1L << 16;
    public static final long MULTI_RESULTS = 1L << 17;
    public static final long PS_MULTI_RESULTS = 1L << 18;
    public static final long PLUGIN_AUTH = 1L << 19;
    public static final long CONNECT_ATTRS = 1L << 20;
    public static final long PLUGIN_AUTH_LENENC_CLIENT_DATA = 1L << 21;
    public static final long CAN_HANDLE_EXPIRED_PASSWORDS = 1L << 22;
    public static final long SESSION_TRACK = 1L << 23;
    public static final long DEPRECATE_EOF = 1L << 24;
    /** MySQL 8 only; MariaDB neither sets nor understands it. */
    public static final long OPTIONAL_RESULTSET_METADATA = 1L << 25;
    /** MySQL 8 only. */
    public static final long ZSTD_COMPRESSION = 1L << 26;
    /** Reserved by MariaDB to announce more capability bits in a later extension. */
    public static final long CAPABILITY_EXTENSION = 1L << 29;
    public static final long SSL_VERIFY_SERVER_CERT = 1L << 30;
    public static final long REMEMBER_OPTIONS = 1L << 31;

    public static final long MARIADB_CLIENT_PROGRESS = 1L << 32;
    public static final long MARIADB_CLIENT_COM_MULTI = 1L << 33;
    public static final long MARIADB_CLIENT_STMT_BULK_OPERATIONS = 1L << 34;
    public static final long MARIADB_CLIENT_EXTENDED_METADATA = 1L << 35;
    public static final long MARIADB_CLIENT_CACHE_METADATA = 1L << 36;
    public static final long MARIADB_CLIENT_BULK_UNIT_RESULTS = 1L << 37;

    /** Mask of the standard (low 32-bit) flags. */
    public static final long STANDARD_MASK = 0xFFFF_FFFFL;

    private static final String[] NAMES = new String[64];

    static {
        String[] low = {"CLIENT_MYSQL", "FOUND_ROWS", "LONG_FLAG", "CONNECT_WITH_DB", "NO_SCHEMA", "COMPRESS", "ODBC",
            "LOCAL_FILES", "IGNORE_SPACE", "PROTOCOL_41", "INTERACTIVE", "SSL", "IGNORE_SIGPIPE", "TRANSACTIONS",
            "RESERVED", "SECURE_CONNECTION", "MULTI_STATEMENTS", "MULTI_RESULTS", "PS_MULTI_RESULTS", "PLUGIN_AUTH",
            "CONNECT_ATTRS", "PLUGIN_AUTH_LENENC_CLIENT_DATA", "CAN_HANDLE_EXPIRED_PASSWORDS", "SESSION_TRACK",
            "DEPRECATE_EOF"};
        System.arraycopy(low, 0, NAMES, 0, low.length);
        NAMES[25] = "OPTIONAL_RESULTSET_METADATA";
        NAMES[26] = "ZSTD_COMPRESSION";
        NAMES[29] = "CAPABILITY_EXTENSION";
        NAMES[30] = "SSL_VERIFY_SERVER_CERT";
        NAMES[31] = "REMEMBER_OPTIONS";
        String[] high = {"MARIADB_CLIENT_PROGRESS", "MARIADB_CLIENT_COM_MULTI", "MARIADB_CLIENT_STMT_BULK_OPERATIONS",
            "MARIADB_CLIENT_EXTENDED_METADATA", "MARIADB_CLIENT_CACHE_METADATA", "MARIADB_CLIENT_BULK_UNIT_RESULTS"};
        System.arraycopy(high, 0, NAMES, 32, high.length);
    }

    private Capabilities() {
    }

    /** True when every bit of {@code flag} is set in {@code caps}. */
    public static boolean has(long caps, long flag) {
        return (caps & flag) == flag;
    }

    /** The names of the set flags joined with '|', for logs; unknown bits appear as {@code bitN}. */
    public static String describe(long caps) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < 64; bit++) {
            if ((caps & (1L << bit)) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(NAMES[bit] != null ? NAMES[bit] : "bit" + bit);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
