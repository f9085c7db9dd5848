package io.gatehouse.sql;

import java.util.Locale;

/**
 * The two {@code sql_mode} flags that change how SQL is lexed; an immutable value usable from any thread.
 *
 * <p>With {@code ANSI_QUOTES} a double-quoted token is an identifier, not a string. With
 * {@code NO_BACKSLASH_ESCAPES} a backslash inside a string is an ordinary character.
 */
public final class SqlMode {
    public static final SqlMode DEFAULT = new SqlMode(false, false);
    public static final SqlMode ANSI_QUOTES = new SqlMode(true, false);
    public static final SqlMode NO_BACKSLASH_ESCAPES = new SqlMode(false, true);
    public static final SqlMode ANSI_QUOTES_NO_BACKSLASH_ESCAPES = new SqlMode(true, true);

    private final boolean ansiQuotes;
    private final boolean noBackslashEscapes;

    private SqlMode(boolean ansiQuotes, boolean noBackslashEscapes) {
        this.ansiQuotes = ansiQuotes;
        this.noBackslashEscapes = noBackslashEscapes;
    }

    /** The shared instance for the given flags. */
    public static SqlMode of(boolean ansiQuotes, boolean noBackslashEscapes) {
        if (ansiQuotes) {
            return noBackslashEscapes ? ANSI_QUOTES_NO_BACKSLASH_ESCAPES : ANSI_QUOTES;
        }
        return noBackslashEscapes ? NO_BACKSLASH_ESCAPES : DEFAULT;
    }

    /**
     * Reads the value of the {@code sql_mode} variable (comma separated, any case). The combination modes
     * {@code ANSI}, {@code DB2}, {@code MAXDB}, {@code MSSQL}, {@code ORACLE} and {@code POSTGRESQL} imply
     * ANSI_QUOTES, as in the server.
     */
    public static SqlMode parse(String sqlModeValue) {
        boolean ansi = false;
        boolean noBackslash = false;
        if (sqlModeValue != null) {
            for (String part : sqlModeValue.split(",")) {
                switch (part.trim().toUpperCase(Locale.ROOT)) {
                    case "ANSI_QUOTES", "ANSI", "DB2", "MAXDB", "MSSQL", "ORACLE", "POSTGRESQL" -> ansi = true;
                    case "NO_BACKSLASH_ESCAPES" -> noBackslash = true;
                    default -> { }
                }
            }
        }
        return of(ansi, noBackslash);
    }

    public boolean ansiQuotes() {
        return ansiQuotes;
    }

    public boolean noBackslashEscapes() {
        return noBackslashEscapes;
    }

    int bits() {
        return (ansiQuotes ? 1 : 0) | (noBackslashEscapes ? 2 : 0);
    }

    @Override
    public String toString() {
        return "SqlMode[ansiQuotes=" + ansiQuotes + ", noBackslashEscapes=" + noBackslashEscapes + "]";
    }
}
