package io.gatehouse.filters.masking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The masking filter's rules file, read once when the filter is made: MaxScale's JSON shape, an object whose
 * {@code rules} array holds objects with either {@code replace} (and an optional {@code with}) or {@code obfuscate},
 * each naming a {@code column} and optionally its {@code table} and {@code database}, plus the optional
 * {@code applies_to} and {@code exempted} lists of {@code 'user'@'host'} accounts. Immutable and thread-safe; holds
 * no buffers.
 *
 * <p>A {@code replace} may also carry {@code match}, a regular expression: only the parts of a value it matches are
 * masked (with the fill), and when the expression has capture groups only what the groups capture.
 */
final class MaskingRules {
    private final List<Rule> rules;

    private MaskingRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    List<Rule> rules() {
        return rules;
    }

    /** The rules that apply to the session of {@code user} from {@code host}. */
    List<Rule> applyingTo(String user, String host) {
        List<Rule> out = new ArrayList<>();
        for (Rule r : rules) {
            if (r.appliesTo(user, host)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Reads the rules file; throws {@link IllegalArgumentException} naming the section, the {@code rules} parameter,
     * the file and what is wrong in it.
     */
    static MaskingRules load(String section, String file) {
        String where = "[" + section + "] rules: '" + file + "'";
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** Parses the JSON tree of a rules file; a bad shape throws {@link IllegalArgumentException} saying where. */
    static MaskingRules parse(JsonNode root) {
        if (root == null || !root.isObject() || !root.path("rules").isArray()) {
            throw new IllegalArgumentException("the file must hold an object with a \"rules\" array");
        }
        List<Rule> out = new ArrayList<>();
        int i = 0;
        for (JsonNode node : root.get("rules")) {
            out.add(rule(node, "rules[" + i++ + "]"));
        }
        return new MaskingRules(out);
    }

    private static Rule rule(JsonNode node, String at) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(at + ": not an object");
        }
        JsonNode replace = node.get("replace");
        JsonNode obfuscate = node.get("obfuscate");
        if ((replace == null) == (obfuscate == null)) {
            throw new IllegalArgumentException(at + ": a rule needs exactly one of \"replace\" and \"obfuscate\"");
        }
        boolean obfuscates = obfuscate != null;
        JsonNode target = obfuscates ? obfuscate : replace;
        String kind = obfuscates ? "obfuscate" : "replace";
        if (!target.isObject()) {
            throw new IllegalArgumentException(at + "." + kind + ": not an object");
        }
        String column = text(target, "column", at + "." + kind, true);
        String table = text(target, "table", at + "." + kind, false);
        String database = text(target, "database", at + "." + kind, false);
        Pattern match = null;
        String regex = text(target, "match", at + "." + kind, false);
        if (regex != null) {
            if (obfuscates) {
                throw new IllegalArgumentException(at + ".obfuscate.match: only a \"replace\" rule takes \"match\"");
            }
            try {
                match = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(at + ".replace.match: '" + regex + "' (expected: a regular "
                        + "expression; " + e.getDescription() + ")", e);
            }
        }
        byte[] value = null;
        byte[] fill = {'X'};
        JsonNode with = node.get("with");
        if (with != null) {
            if (obfuscates) {
                throw new IllegalArgumentException(at + ".with: an \"obfuscate\" rule takes no \"with\"");
            }
            if (!with.isObject()) {
                throw new IllegalArgumentException(at + ".with: not an object");
            }
            String v = text(with, "value", at + ".with", false);
            String f = text(with, "fill", at + ".with", false);
            if (v == null && f == null) {
                throw new IllegalArgumentException(at + ".with: needs \"value\", \"fill\" or both");
            }
            if (f != null && f.isEmpty()) {
                throw new IllegalArgumentException(at + ".with.fill: '' (expected: at least one character)");
            }
            value = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
            if (f != null) {
                fill = f.getBytes(StandardCharsets.UTF_8);
            }
        }
        return new Rule(column, table, database, obfuscates, value, fill, match,
                accounts(node, "applies_to", at), accounts(node, "exempted", at));
    }

    private static String text(JsonNode obj, String key, String at, boolean required) {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException(at + ": \"" + key + "\" is missing");
            }
            return null;
        }
        if (!v.isTextual() || (required && v.asText().isEmpty())) {
            throw new IllegalArgumentException(at + "." + key + ": " + v + " (expected: a non-empty string)");
        }
        return v.asText();
    }

    private static List<Account> accounts(JsonNode node, String key, String at) {
        JsonNode list = node.get(key);
        if (list == null) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException(at + "." + key + ": not an array");
        }
        List<Account> out = new ArrayList<>();
        for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
            JsonNode v = it.next();
            if (!v.isTextual()) {
                throw new IllegalArgumentException(at + "." + key + ": " + v + " (expected: 'user'@'host')");
            }
            out.add(Account.parse(v.asText(), at + "." + key));
        }
        return out;
    }

    /**
     * One account pattern of {@code applies_to} or {@code exempted}: a user name (empty or {@code %} for any) and a
     * host that may hold the {@code %} and {@code _} wildcards of MariaDB account names.
     */
    record Account(String user, Pattern host) {
        static Account parse(String text, String at) {
            String t = text.trim();
            int atSign = t.lastIndexOf('@');
            String user = unquote(atSign < 0 ? t : t.substring(0, atSign));
            String host = atSign < 0 ? "%" : unquote(t.substring(atSign + 1));
            if (host.isEmpty()) {
                throw new IllegalArgumentException(at + ": '" + text + "' (expected: 'user'@'host')");
            }
            StringBuilder re = new StringBuilder();
            for (char c : host.toCharArray()) {
                re.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
            }
            return new Account(user.equals("%") ? "" : user, Pattern.compile(re.toString(),
                    Pattern.CASE_INSENSITIVE));
        }

        private static String unquote(String s) {
            String t = s.trim();
            if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"' || t.charAt(0) == '`')
                    && t.charAt(t.length() - 1) == t.charAt(0)) {
                return t.substring(1, t.length() - 1);
            }
            return t;
        }

        boolean matches(String u, String h) {
            return (user.isEmpty() || user.equals(u)) && host.matcher(h == null ? "" : h).matches();
        }
    }

    /**
     * One masking rule: which column (table and database when given; names compare without regard to case), how its
     * values are masked, and for which accounts.
     *
     * @param value the replacement used when its length in bytes equals the value's, or null
     * @param fill  the bytes repeated over the value's length otherwise (default {@code X})
     * @param match the parts of a value to mask, or null for all of it
     */
    record Rule(String column, String table, String database, boolean obfuscates, byte[] value, byte[] fill,
                Pattern match, List<Account> appliesTo, List<Account> exempted) {
        boolean appliesTo(String user, String host) {
            if (!appliesTo.isEmpty() && appliesTo.stream().noneMatch(a -> a.matches(user, host))) {
                return false;
            }
            return exempted.stream().noneMatch(a -> a.matches(user, host));
        }

        /** True when a result column (its original column, table and database names) is this rule's column. */
        boolean matchesColumn(String orgColumn, String orgTable, String schema) {
            return column.equalsIgnoreCase(orgColumn)
                    && (table == null || table.equalsIgnoreCase(orgTable))
                    && (database == null || database.equalsIgnoreCase(schema));
        }

        /**
         * True when a column named in a statement may be this rule's column: the names given there must agree with
         * the rule, and a table name that is none of the statement's tables (an alias) is taken to agree.
         */
        boolean mayBe(String name, String qualifierTable, String qualifierDatabase, List<String> statementTables) {
            if (!column.equalsIgnoreCase(name)) {
                return false;
            }
            if (table != null && qualifierTable != null && !table.equalsIgnoreCase(qualifierTable)
                    && statementTables.stream().anyMatch(t -> lastPart(t).equalsIgnoreCase(qualifierTable))) {
                return false;
            }
            return database == null || qualifierDatabase == null || database.equalsIgnoreCase(qualifierDatabase);
        }

        /**
         * True when a wildcard ({@code *}, or {@code qualifier.*}) over a statement with these tables may include
         * this rule's column: always for a rule without a table, else when the table is among them (or the
         * qualifier is an alias).
         */
        boolean mayBeIn(String qualifier, List<String> statementTables) {
            if (table == null) {
                return true;
            }
            if (qualifier != null) {
                return table.equalsIgnoreCase(qualifier)
                        || statementTables.stream().noneMatch(t -> lastPart(t).equalsIgnoreCase(qualifier));
            }
            return statementTables.stream().anyMatch(t -> lastPart(t).equalsIgnoreCase(table));
        }

        private static String lastPart(String qualified) {
            int dot = qualified.lastIndexOf('.');
            return (dot < 0 ? qualified : qualified.substring(dot + 1)).toLowerCase(Locale.ROOT);
        }

        String describe() {
            return (database == null ? "" : database + ".") + (table == null ? "" : table + ".") + column;
        }
    }
}
