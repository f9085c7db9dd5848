package io.gatehouse.filters.masking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds where a statement names masked columns: inside a function's arguments, inside a subquery, or in the second or
 * a later SELECT of a UNION (or EXCEPT/INTERSECT). A small scanner of its own over the statement text, since the
 * shared classifier reports tables and functions but not which column sits where; it never throws on bad SQL (what
 * it cannot read it skips). Stateless; used on the session's worker thread.
 */
final class ColumnUses {
    /** Words that may precede a parenthesis without making it a function call. */
    private static final Set<String> NOT_FUNCTIONS = Set.of("IN", "VALUES", "VALUE", "AS", "ON", "USING", "FROM",
            "JOIN", "WHERE", "AND", "OR", "NOT", "XOR", "SELECT", "ALL", "ANY", "SOME", "INTO", "TABLE", "OVER",
            "WITH", "UNION", "EXCEPT", "INTERSECT", "KEY", "INDEX", "PRIMARY", "UNIQUE", "REFERENCES", "PARTITION",
            "BY", "EXISTS", "SET", "WHEN", "THEN", "ELSE", "IS", "LIKE", "BETWEEN", "RETURNING", "DISTINCT", "HAVING",
            "LIMIT", "RECURSIVE", "LATERAL", "CASE", "END");
    /** Words after which {@code name (} names a table's column list, not a function. */
    private static final Set<String> TABLE_BEFORE = Set.of("INTO", "TABLE", "FROM", "JOIN", "UPDATE", "REFERENCES",
            "REPLACE", "INSERT", "VIEW");

    /**
     * One mention of a column a rule masks.
     *
     * @param function the nearest enclosing function's name, or null
     */
    record Use(MaskingRules.Rule rule, String column, String function, boolean inSubquery, boolean inUnion) {
    }

    private enum Kind { WORD, QUOTED, STRING, VAR, OTHER }

    private record Token(Kind kind, String text) {
        boolean is(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word);
        }

        boolean punct(char c) {
            return kind == Kind.OTHER && text.length() == 1 && text.charAt(0) == c;
        }
    }

    private static final class Frame {
        final String function;
        final boolean subquery;
        /** A subquery of EXISTS: its select list decides nothing the client sees. */
        final boolean exists;
        boolean afterUnion;

        Frame(String function, boolean subquery) {
            this(function, subquery, false);
        }

        Frame(String function, boolean subquery, boolean exists) {
            this.function = function;
            this.subquery = subquery;
            this.exists = exists;
        }
    }

    private ColumnUses() {
    }

    /**
     * The mentions in {@code sql} of columns that {@code rules} mask; {@code tables} are the statement's tables (to
     * tell a table qualifier from an alias); with {@code stringsAsFields}, a string literal given to a function
     * counts as a column of that name (ANSI_QUOTES makes {@code "ssn"} a column).
     */
    static List<Use> find(String sql, List<MaskingRules.Rule> rules, List<String> tables, boolean stringsAsFields) {
        List<Token> tokens = lex(sql);
        List<Use> uses = new ArrayList<>();
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(null, false));
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            Token prev = i > 0 ? tokens.get(i - 1) : null;
            Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            if (t.punct(';')) {
                stack.clear();
                stack.push(new Frame(null, false));
            } else if (t.punct('(')) {
                boolean subquery = next != null && (next.is("SELECT") || next.is("WITH"));
                String fn = null;
                if (!subquery && prev != null && (prev.kind == Kind.WORD || prev.kind == Kind.QUOTED)
                        && !NOT_FUNCTIONS.contains(prev.text.toUpperCase(Locale.ROOT)) && !namesTable(tokens, i - 1)) {
                    fn = prev.text;
                }
                stack.push(new Frame(fn, subquery, subquery && prev != null && prev.is("EXISTS")));
            } else if (t.punct(')')) {
                if (stack.size() > 1) {
                    stack.pop();
                }
            } else if (t.is("UNION") || t.is("EXCEPT") || t.is("INTERSECT")) {
                stack.peek().afterUnion = true;
            } else if ((t.kind == Kind.WORD || t.kind == Kind.QUOTED) && (next == null || !next.punct('('))
                    && (prev == null || !prev.punct('.')) && (prev == null || !prev.is("AS"))) {
                // A possibly qualified name: db.table.column, table.column or column.
                List<String> parts = new ArrayList<>();
                parts.add(t.text);
                int j = i;
                while (j + 2 < tokens.size() && tokens.get(j + 1).punct('.')
                        && (tokens.get(j + 2).kind == Kind.WORD || tokens.get(j + 2).kind == Kind.QUOTED)) {
                    parts.add(tokens.get(j + 2).text);
                    j += 2;
                }
                note(uses, rules, tables, stack, parts);
            } else if (t.punct('*') && prev != null && (prev.is("SELECT") || prev.is("DISTINCT") || prev.is("ALL")
                    || prev.punct(',') || prev.punct('.')) && stack.peek().function == null && !stack.peek().exists) {
                // A wildcard selects every column, masked ones included: it counts as each column a rule masks in
                // the tables it may cover (outside functions, where COUNT(*) reads no value).
                String qualifier = prev.punct('.') && i >= 2 ? tokens.get(i - 2).text : null;
                for (MaskingRules.Rule r : rules) {
                    if (r.mayBeIn(qualifier, tables)) {
                        uses.add(wildcardUse(r, qualifier, stack));
                        break;
                    }
                }
            } else if (t.kind == Kind.STRING && stringsAsFields && inFunction(stack) != null) {
                note(uses, rules, tables, stack, List.of(t.text));
            }
        }
        return uses;
    }

    private static void note(List<Use> uses, List<MaskingRules.Rule> rules, List<String> tables, Deque<Frame> stack,
                             List<String> parts) {
        int n = parts.size();
        String column = parts.get(n - 1);
        String table = n >= 2 ? parts.get(n - 2) : null;
        String database = n >= 3 ? parts.get(n - 3) : null;
        for (MaskingRules.Rule r : rules) {
            if (r.mayBe(column, table, database, tables)) {
                boolean sub = false;
                boolean union = false;
                for (Frame f : stack) {
                    sub |= f.subquery;
                    union |= f.afterUnion;
                }
                uses.add(new Use(r, String.join(".", parts), inFunction(stack), sub, union));
                return;
            }
        }
    }

    private static Use wildcardUse(MaskingRules.Rule r, String qualifier, Deque<Frame> stack) {
        boolean sub = false;
        boolean union = false;
        for (Frame f : stack) {
            sub |= f.subquery;
            union |= f.afterUnion;
        }
        return new Use(r, (qualifier == null ? "" : qualifier + ".") + "* (" + r.column() + ")", null, sub, union);
    }

    private static String inFunction(Deque<Frame> stack) {
        for (Frame f : stack) {             // innermost first
            if (f.function != null) {
                return f.function;
            }
        }
        return null;
    }

    /** True when the name at {@code at} (before a parenthesis) is a table, as in {@code INSERT INTO t (a, b)}. */
    private static boolean namesTable(List<Token> tokens, int at) {
        int k = at - 1;
        while (k >= 1 && tokens.get(k).punct('.')) {
            k -= 2;                         // skip a database qualifier
        }
        return k >= 0 && tokens.get(k).kind == Kind.WORD
                && TABLE_BEFORE.contains(tokens.get(k).text.toUpperCase(Locale.ROOT));
    }

    /** Cuts the statement into words, quoted names, strings, variables and single punctuation characters. */
    private static List<Token> lex(String s) {
        List<Token> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' || (c == '-' && i + 2 <= n && s.startsWith("--", i)
                    && (i + 2 == n || Character.isWhitespace(s.charAt(i + 2))))) {
                int e = s.indexOf('\n', i);
                i = e < 0 ? n : e + 1;
            } else if (c == '/' && s.startsWith("/*", i)) {
                if (i + 2 < n && (s.charAt(i + 2) == '!' || s.charAt(i + 2) == 'M' && s.startsWith("/*M!", i))) {
                    i += s.charAt(i + 2) == '!' ? 3 : 4;     // executable comment: its text is SQL
                    while (i < n && Character.isDigit(s.charAt(i))) {
                        i++;
                    }
                } else {
                    int e = s.indexOf("*/", i + 2);
                    i = e < 0 ? n : e + 2;
                }
            } else if (c == '*' && s.startsWith("*/", i)) {
                i += 2;                     // the end of an executable comment
            } else if (c == '\'' || c == '"' || c == '`') {
                int e = i + 1;
                StringBuilder b = new StringBuilder();
                while (e < n) {
                    char d = s.charAt(e);
                    if (d == '\\' && c != '`' && e + 1 < n) {
                        b.append(s.charAt(e + 1));
                        e += 2;
                    } else if (d == c && e + 1 < n && s.charAt(e + 1) == c) {
                        b.append(c);
                        e += 2;
                    } else if (d == c) {
                        break;
                    } else {
                        b.append(d);
                        e++;
                    }
                }
                out.add(new Token(c == '`' ? Kind.QUOTED : Kind.STRING, b.toString()));
                i = Math.min(n, e + 1);
            } else if (c == '@') {
                int e = i + 1;
                while (e < n && (Character.isLetterOrDigit(s.charAt(e)) || "_$@.".indexOf(s.charAt(e)) >= 0)) {
                    e++;
                }
                out.add(new Token(Kind.VAR, s.substring(i, e)));
                i = e;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127) {
                int e = i + 1;
                while (e < n && (Character.isLetterOrDigit(s.charAt(e)) || s.charAt(e) == '_' || s.charAt(e) == '$'
                        || s.charAt(e) > 127)) {
                    e++;
                }
                out.add(new Token(Kind.WORD, s.substring(i, e)));
                i = e;
            } else {
                out.add(new Token(Kind.OTHER, String.valueOf(c)));
                i++;
            }
        }
        return out;
    }
}
