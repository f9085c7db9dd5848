package io.gatehouse.filters.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The cache's rules file (MaxScale's format): one object, or an array of objects, each with optional {@code store}
 * and {@code use} lists of {@code {"attribute", "op", "value"}} rules. A SELECT is stored when a store rule of some
 * object matches it (an object without store rules matches every SELECT); the first such object's use rules then say
 * which users may be answered from the cache (none: everyone). Immutable and shared by every worker thread.
 */
final class CacheRules {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a store rule looks at. */
    enum Attribute { DATABASE, TABLE, COLUMN, QUERY, USER }

    /** One rule: {@code pattern} is set for like/unlike, {@code value} for = and !=. */
    record Rule(Attribute attribute, boolean negated, String value, Pattern pattern) {
    }

    /** One object of the file. */
    record Group(List<Rule> store, List<Rule> use) {
    }

    /** What a SELECT reads, for the store rules. */
    record Statement(String sql, List<String> tables, String database) {
    }

    private final List<Group> groups;

    CacheRules(List<Group> groups) {
        this.groups = List.copyOf(groups);
    }

    /** Reads and checks a rules file; errors name {@code what} (the section and parameter) and the problem. */
    static CacheRules load(Path path, String what) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": '" + path + "' (expected: a readable JSON file: "
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        return parse(root, what + ": '" + path + "'");
    }

    static CacheRules parse(JsonNode root, String what) {
        List<Group> groups = new ArrayList<>();
        if (root != null && root.isArray()) {
            for (JsonNode g : root) {
                groups.add(group(g, what));
            }
        } else {
            groups.add(group(root, what));
        }
        return new CacheRules(groups);
    }

    private static Group group(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " (expected: an object with store and use lists, or an array"
                    + " of them)");
        }
        node.fieldNames().forEachRemaining(f -> {
            if (!f.equals("store") && !f.equals("use")) {
                throw new IllegalArgumentException(what + " (unknown key '" + f + "': expected store or use)");
            }
        });
        return new Group(rules(node.get("store"), true, what), rules(node.get("use"), false, what));
    }

    private static List<Rule> rules(JsonNode list, boolean store, String what) {
        List<Rule> rules = new ArrayList<>();
        if (list == null) {
            return rules;
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException(what + " (expected: " + (store ? "store" : "use") + " as a list)");
        }
        for (JsonNode r : list) {
            String attribute = text(r, "attribute", what);
            String op = text(r, "op", what);
            String value = text(r, "value", what);
            Attribute a;
            try {
                a = Attribute.valueOf(attribute.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                a = null;
            }
            if (a == null || store == (a == Attribute.USER)) {
                throw new IllegalArgumentException(what + " (attribute '" + attribute + "' in a "
                        + (store ? "store" : "use") + " rule: expected "
                        + (store ? "database, table, column or query" : "user") + ")");
            }
            boolean like = op.equals("like") || op.equals("unlike");
            if (!like && !op.equals("=") && !op.equals("!=")) {
                throw new IllegalArgumentException(what + " (op '" + op + "': expected =, !=, like or unlike)");
            }
            Pattern pattern = null;
            if (like) {
                try {
                    pattern = Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(what + " (value '" + value + "' is no regular expression: "
                            + e.getDescription() + ")");
                }
            }
            boolean negated = op.equals("!=") || op.equals("unlike");
            rules.add(new Rule(a, negated, like ? value : normalise(a, value), pattern));
        }
        return rules;
    }

    private static String text(JsonNode rule, String key, String what) {
        JsonNode v = rule == null ? null : rule.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(what + " (a rule without a string '" + key + "')");
        }
        return v.asText();
    }

    /** Values compared with = lose their quotes and case, as SQL names compare here. */
    private static String normalise(Attribute a, String value) {
        return switch (a) {
            case QUERY -> value;
            case USER -> value;
            default -> unquote(value).toLowerCase(Locale.ROOT);
        };
    }

    private static String unquote(String name) {
        return name.replace("`", "");
    }

    /**
     * The group whose store rules match {@code s}, or null when the statement is not to be stored.
     */
    Group storeGroup(Statement s) {
        for (Group g : groups) {
            if (g.store().isEmpty()) {
                return g;
            }
            for (Rule r : g.store()) {
                if (matches(r, s)) {
                    return g;
                }
            }
        }
        return null;
    }

    /** True when the group's use rules let {@code user} at {@code host} be answered from the cache. */
    static boolean mayUse(Group g, String user, String host) {
        if (g.use().isEmpty()) {
            return true;
        }
        for (Rule r : g.use()) {
            boolean m = r.pattern() != null ? r.pattern().matcher(user + "@" + host).find() : userMatches(r.value(),
                    user, host);
            if (m != r.negated()) {
                return true;
            }
        }
        return false;
    }

    /** {@code 'bob'@'%'}, {@code bob@10.0.0.%} or {@code bob}: the user exactly, the host with SQL wildcards. */
    private static boolean userMatches(String value, String user, String host) {
        int at = value.lastIndexOf('@');
        String u = strip(at < 0 ? value : value.substring(0, at));
        String h = at < 0 ? "%" : strip(value.substring(at + 1));
        return u.equals(user) && likeToRegex(h).matcher(host).matches();
    }

    private static String strip(String s) {
        s = s.trim();
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"' || s.charAt(0) == '`')
                && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static Pattern likeToRegex(String like) {
        StringBuilder b = new StringBuilder();
        for (char c : like.toCharArray()) {
            b.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(b.toString(), Pattern.CASE_INSENSITIVE);
    }

    private static boolean matches(Rule r, Statement s) {
        boolean m = switch (r.attribute()) {
            case QUERY -> r.pattern() != null ? r.pattern().matcher(s.sql()).find() : r.value().equals(s.sql().trim());
            case DATABASE -> any(s, r, true);
            case TABLE -> any(s, r, false);
            case COLUMN -> column(r, s);
            case USER -> false;
        };
        return m != r.negated();
    }

    /** True when some table read (or its database) matches the rule. */
    private static boolean any(Statement s, Rule r, boolean database) {
        for (String t : s.tables()) {
            String table = unquote(t).toLowerCase(Locale.ROOT);
            int dot = table.indexOf('.');
            String db = dot >= 0 ? table.substring(0, dot) : s.database() == null ? "" : s.database()
                    .toLowerCase(Locale.ROOT);
            String name = dot >= 0 ? table.substring(dot + 1) : table;
            String candidate = database ? db : r.value() != null && r.value().indexOf('.') >= 0 && r.pattern() == null
                    ? db + "." + name : name;
            boolean m = r.pattern() != null ? r.pattern().matcher(database ? db : db + "." + name).find()
                    : candidate.equals(r.value());
            if (m) {
                return true;
            }
        }
        return false;
    }

    /**
     * A column rule matches a statement that names the column (its last part) as a word, or selects {@code *}, which
     * may include it; for like, the pattern is searched in the statement text.
     */
    private static boolean column(Rule r, Statement s) {
        if (r.pattern() != null) {
            return r.pattern().matcher(s.sql()).find();
        }
        String v = r.value();
        String col = v.substring(v.lastIndexOf('.') + 1);
        String sql = s.sql().toLowerCase(Locale.ROOT);
        return sql.contains("*") || Pattern.compile("(?<![\\w$])`?" + Pattern.quote(col) + "`?(?![\\w$])")
                .matcher(sql).find();
    }
}
