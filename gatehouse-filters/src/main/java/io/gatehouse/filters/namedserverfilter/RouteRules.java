package io.gatehouse.filters.namedserverfilter;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.filters.common.StatementRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The match/target pairs of a namedserverfilter section, in the order they are tried ({@code match01} first), each
 * with the routing hints it attaches: {@code ->master}, {@code ->slave}, {@code ->all}, or one hint per server name.
 * Also reads MaxScale's deprecated single pair {@code match}/{@code server}. Immutable and thread-safe.
 */
final class RouteRules {
    /** Pairs {@code match01}/{@code target01} to {@code match25}/{@code target25}, as MaxScale accepts. */
    static final int MAX_PAIRS = 25;

    /** One pair: the pattern, the target text as written and the hints it attaches. */
    record Rule(String matchParameter, String targetParameter, String match, Pattern pattern, List<String> targets,
                List<RouteHint> hints) {
    }

    private final List<Rule> rules;

    private RouteRules(List<Rule> rules) {
        this.rules = rules;
    }

    static String matchName(int i) {
        return String.format("match%02d", i);
    }

    static String targetName(int i) {
        return String.format("target%02d", i);
    }

    /** Parses and checks the pairs of {@code params}; throws {@link IllegalArgumentException} naming the parameter. */
    static RouteRules of(Params params) {
        String section = params.section();
        int flags = StatementRules.flags(params.mask("options"));
        String legacyMatch = params.string("match");
        String legacyServer = params.string("server");
        boolean legacy = legacyMatch != null || legacyServer != null;
        if (legacy && (legacyMatch == null || legacyServer == null)) {
            String given = legacyMatch != null ? "match" : "server";
            throw new IllegalArgumentException("[" + section + "] " + given + ": '" + params.text(given)
                    + "' (expected: together with " + (legacyMatch != null ? "server" : "match")
                    + " in the legacy form, or match01 and target01 and so on instead)");
        }
        List<Rule> out = new ArrayList<>();
        for (int i = 1; i <= MAX_PAIRS; i++) {
            String m = matchName(i);
            String t = targetName(i);
            String match = StatementRules.patternText(params.text(m));
            String target = params.string(t);
            if (match == null && target == null) {
                continue;
            }
            if (match == null || target == null) {
                String given = match != null ? m : t;
                throw new IllegalArgumentException("[" + section + "] " + given + ": '" + params.text(given)
                        + "' (expected: together with " + (match != null ? t : m) + ")");
            }
            if (legacy) {
                throw new IllegalArgumentException("[" + section + "] " + m + ": '" + params.text(m)
                        + "' (expected: either the legacy match/server or indexed matchNN/targetNN parameters, not"
                        + " both)");
            }
            out.add(rule(section, m, t, match, target, flags, false));
        }
        if (legacy) {
            out.add(rule(section, "match", "server", legacyMatch, legacyServer, flags, true));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("[" + section + "] match01: missing (expected: at least one pair of"
                    + " matchNN and targetNN, NN from 01 to 25)");
        }
        return new RouteRules(List.copyOf(out));
    }

    private static Rule rule(String section, String matchParam, String targetParam, String match, String target,
                             int flags, boolean legacy) {
        Pattern p = StatementRules.compileBytewise(section, matchParam, match, flags);
        List<String> names = new ArrayList<>();
        for (String part : target.split(",")) {
            if (!part.isBlank()) {
                names.add(part.trim());
            }
        }
        if (names.isEmpty()) {
            throw badTarget(section, targetParam, target, "a target");
        }
        if (legacy && (names.size() != 1 || names.get(0).startsWith("->"))) {
            throw badTarget(section, targetParam, target, "the legacy server parameter takes one server name");
        }
        List<RouteHint> hints = new ArrayList<>();
        if (names.size() == 1 && !legacy && names.get(0).startsWith("->")) {
            RouteHint.Type type = switch (names.get(0)) {
                case "->master" -> RouteHint.Type.MASTER;
                case "->slave" -> RouteHint.Type.SLAVE;
                case "->all" -> RouteHint.Type.ALL;
                default -> throw badTarget(section, targetParam, target, "'" + names.get(0)
                        + "' is not one of ->master, ->slave, ->all");
            };
            hints.add(new RouteHint(type, "", 0));
        } else {
            for (String n : names) {
                if (n.startsWith("->")) {
                    throw badTarget(section, targetParam, target, n + " cannot be part of a list");
                }
                hints.add(new RouteHint(RouteHint.Type.SERVER, n, 0));
            }
        }
        return new Rule(matchParam, targetParam, match, p, List.copyOf(names), List.copyOf(hints));
    }

    /** Checks that every named target is a server of the configuration or a service in {@code serviceTargets}. */
    void checkTargets(String section, Set<String> servers, Set<String> services, Set<String> serviceTargets) {
        for (Rule r : rules) {
            for (RouteHint h : r.hints()) {
                if (h.type() != RouteHint.Type.SERVER || servers.contains(h.server())
                        || serviceTargets.contains(h.server())) {
                    continue;
                }
                // A service is a target only where the filter's own service routes to it (targets=).
                String why = services.contains(h.server())
                        ? "'" + h.server() + "' is a service that no service using this filter names in targets"
                        : "'" + h.server() + "' is not a server section";
                throw badTarget(section, r.targetParameter(), String.join(",", r.targets()), why);
            }
        }
    }

    /** The hints of the first rule whose pattern is found in {@code sql} (one char per byte), or an empty list. */
    List<RouteHint> hintsFor(String sql) {
        for (Rule r : rules) {
            if (r.pattern().matcher(sql).find()) {
                return r.hints();
            }
        }
        return List.of();
    }

    List<Rule> rules() {
        return rules;
    }

    private static IllegalArgumentException badTarget(String section, String param, String value, String why) {
        return new IllegalArgumentException("[" + section + "] " + param + ": '" + value
                + "' (expected: a server name, a comma-separated list of server names (or of services the filter's service targets), ->master, ->slave or ->all; "
                + why + ")");
    }
}
