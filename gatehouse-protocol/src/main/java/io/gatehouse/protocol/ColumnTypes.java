package io.gatehouse.protocol;

/**
 * The field type codes of column definitions and binary-protocol values. Constants only; thread-safe.
 */
public final class ColumnTypes {
    public static final int DECIMAL = 0;
    public static final int TINY = 1;
    public static final int SHORT = 2;
    public static final int LONG = 3;
    public static final int FLOAT = 4;
    public static final int DOUBLE = 5;
    public static final int NULL = 6;
    public static final int TIMESTAMP = 7;
    public static final int LONGLONG = 8;
    public static final int INT24 = 9;
    public static final int DATE = 10;
    public static final int TIME = 11;
    public static final int DATETIME = 12;
    public static final int YEAR = 13;
    public static final int NEWDATE = 14;
    public static final int VARCHAR = 15;
    public static final int BIT = 16;
    public static final int JSON = 245;
    public static final int NEWDECIMAL = 246;
    public static final int ENUM = 247;
    public static final int SET = 248;
    public static final int TINY_BLOB = 249;
    public static final int MEDIUM_BLOB = 250;
    public static final int LONG_BLOB = 251;
    public static final int BLOB = 252;
    public static final int VAR_STRING = 253;
    public static final int STRING = 254;
    public static final int GEOMETRY = 255;

    private static final String[] LOW = {"DECIMAL", "TINY", "SHORT", "LONG", "FLOAT", "DOUBLE", "NULL",
        "TIMESTAMP", "LONGLONG", "INT24", "DATE", "TIME", "DATETIME", "YEAR", "NEWDATE", "VARCHAR", "BIT"};
    private static final String[] HIGH = {"JSON", "NEWDECIMAL", "ENUM", "SET", "TINY_BLOB", "MEDIUM_BLOB",
        "LONG_BLOB", "BLOB", "VAR_STRING", "STRING", "GEOMETRY"};

    private ColumnTypes() {
    }

    /** The type's name, e.g. {@code VAR_STRING}, or {@code TYPE(n)}. */
    public static String name(int type) {
        if (type >= 0 && type < LOW.length) {
            return LOW[type];
        }
        if (type >= JSON && type <= GEOMETRY) {
            return HIGH[type - JSON];
        }
        return "TYPE(" + type + ")";
    }
}
