package io.gatehouse.sql;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which keywords are syntax rather than function names when a '(' follows them; read-only sets shared by all
 * threads.
 *
 * <p>Only reserved words are listed in {@link #notAFunction}: a non-reserved word can name a stored function,
 * and calling one must count as a write.
 */
final class Syntax {
    private static final Set<Keyword> NOT_A_FUNCTION = EnumSet.of(
        Keyword.SELECT, Keyword.UPDATE, Keyword.DELETE, Keyword.CALL, Keyword.SET, Keyword.USE, Keyword.SHOW,
        Keyword.EXPLAIN, Keyword.DESCRIBE, Keyword.DESC, Keyword.CREATE, Keyword.ALTER, Keyword.DROP, Keyword.RENAME,
        Keyword.GRANT, Keyword.REVOKE, Keyword.KILL, Keyword.RELEASE, Keyword.LOAD, Keyword.LOCK, Keyword.UNLOCK,
        Keyword.OPTIMIZE, Keyword.ANALYZE, Keyword.CHECK, Keyword.PURGE, Keyword.CHANGE, Keyword.SIGNAL,
        Keyword.RESIGNAL, Keyword.WITH, Keyword.TABLE, Keyword.CASE, Keyword.WHILE, Keyword.LOOP, Keyword.DECLARE,
        Keyword.FROM, Keyword.WHERE, Keyword.GROUP, Keyword.ORDER, Keyword.BY, Keyword.HAVING, Keyword.LIMIT,
        Keyword.OFFSET, Keyword.JOIN, Keyword.INNER, Keyword.CROSS, Keyword.OUTER, Keyword.NATURAL,
        Keyword.STRAIGHT_JOIN, Keyword.ON, Keyword.USING, Keyword.UNION, Keyword.EXCEPT, Keyword.INTERSECT,
        Keyword.FOR, Keyword.INTO, Keyword.OUTFILE, Keyword.AS, Keyword.IN, Keyword.PARTITION, Keyword.FORCE,
        Keyword.IGNORE, Keyword.INDEX, Keyword.KEY, Keyword.WINDOW, Keyword.RETURNING, Keyword.DISTINCT,
        Keyword.ALL, Keyword.DISTINCTROW, Keyword.HIGH_PRIORITY, Keyword.LOW_PRIORITY, Keyword.DELAYED,
        Keyword.SQL_CALC_FOUND_ROWS, Keyword.SQL_SMALL_RESULT, Keyword.SQL_BIG_RESULT, Keyword.EXISTS, Keyword.NOT,
        Keyword.OR, Keyword.AND, Keyword.XOR, Keyword.TO, Keyword.CHARACTER, Keyword.READ, Keyword.WRITE,
        Keyword.DATABASES, Keyword.SCHEMAS, Keyword.INFILE, Keyword.TRUE, Keyword.FALSE, Keyword.OVER,
        Keyword.LIKE, Keyword.BETWEEN, Keyword.IS, Keyword.WHEN, Keyword.THEN, Keyword.ELSE, Keyword.UNIQUE,
        Keyword.REFERENCES, Keyword.REGEXP, Keyword.RLIKE, Keyword.BINARY, Keyword.RECURSIVE, Keyword.DIV,
        Keyword.ROWS, Keyword.PROCEDURE, Keyword.TRIGGER, Keyword.NULL, Keyword.PRIMARY, Keyword.FOREIGN,
        Keyword.CONSTRAINT, Keyword.UNSIGNED, Keyword.COLLATE, Keyword.VARCHAR, Keyword.DECIMAL, Keyword.NUMERIC,
        Keyword.DEC, Keyword.INT, Keyword.INTEGER, Keyword.FLOAT, Keyword.DOUBLE, Keyword.REAL, Keyword.VARBINARY,
        Keyword.TINYINT, Keyword.SMALLINT, Keyword.MEDIUMINT, Keyword.BIGINT, Keyword.BLOB, Keyword.PRECISION,
        Keyword.ESCAPE, Keyword.SQL_NO_CACHE, Keyword.SQL_CACHE, Keyword.SQL_BUFFER_RESULT);

    private static final Set<Keyword> TYPE_NAMES = EnumSet.of(
        Keyword.CHAR, Keyword.VARCHAR, Keyword.DECIMAL, Keyword.NUMERIC, Keyword.DEC, Keyword.INT, Keyword.INTEGER,
        Keyword.FLOAT, Keyword.DOUBLE, Keyword.REAL, Keyword.NCHAR, Keyword.NVARCHAR, Keyword.VARBINARY,
        Keyword.BIT, Keyword.TINYINT, Keyword.SMALLINT, Keyword.MEDIUMINT, Keyword.BIGINT, Keyword.DATETIME,
        Keyword.TIMESTAMP, Keyword.TIME, Keyword.DATE, Keyword.YEAR, Keyword.ENUM, Keyword.TEXT, Keyword.BLOB,
        Keyword.VARCHAR2, Keyword.NUMBER, Keyword.RAW, Keyword.CLOB, Keyword.BINARY, Keyword.SIGNED,
        Keyword.UNSIGNED);

    private static final boolean[] NOT_A_FUNCTION_BY_ORDINAL = new boolean[Keyword.values().length];
    private static final boolean[] TYPE_BY_ORDINAL = new boolean[Keyword.values().length];

    static {
        NOT_A_FUNCTION.forEach(k -> NOT_A_FUNCTION_BY_ORDINAL[k.ordinal()] = true);
        TYPE_NAMES.forEach(k -> TYPE_BY_ORDINAL[k.ordinal()] = true);
    }

    private Syntax() {
    }

    static boolean notAFunction(Keyword k) {
        return NOT_A_FUNCTION_BY_ORDINAL[k.ordinal()];
    }

    static boolean isTypeName(Keyword k) {
        return TYPE_BY_ORDINAL[k.ordinal()];
    }
}
