package io.gatehouse.filters.common;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.ClientInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which sessions a filter acts on, by client user and source address: MaxScale's {@code user} (an exact name) and
 * {@code source} (a comma-separated list of IP addresses, IPv4 or IPv6, where an IPv4 octet after the first may be
 * the wildcard {@code %}, as in {@code 192.168.%.%}), which win over the pattern forms {@code user_match},
 * {@code user_exclude}, {@code source_match} and {@code source_exclude} of the filters that have them. Immutable and
 * thread-safe; checked once per session.
 *
 * <p>Host names in {@code source} are refused when the configuration is loaded: matching them needs a reverse DNS
 * lookup per session, which would block a worker thread.
 */
public final class SessionRules {
    private static final Pattern IPV4_WILDCARD = Pattern.compile("(\\d{1,3}|%)(\\.(\\d{1,3}|%)){3}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String user;
    private final List<String[]> wildcards;
    private final List<InetAddress> addresses;
    private final Pattern userMatch;
    private final Pattern userExclude;
    private final Pattern sourceMatch;
    private final Pattern sourceExclude;

    private SessionRules(String user, List<String[]> wildcards, List<InetAddress> addresses, Pattern userMatch,
                         Pattern userExclude, Pattern sourceMatch, Pattern sourceExclude) {
        this.user = user;
        this.wildcards = wildcards;
        this.addresses = addresses;
        this.userMatch = userMatch;
        this.userExclude = userExclude;
        this.sourceMatch = sourceMatch;
        this.sourceExclude = sourceExclude;
    }

    /**
     * Reads the rules of a section; parameters the filter does not declare count as unset. Throws
     * {@link IllegalArgumentException} naming the section and {@code source} for an address that is neither an IP
     * address nor an IPv4 wildcard.
     */
    public static SessionRules of(Params params) {
        SessionRules base = addresses(params.section(), params.string("source"), params.string("user"));
        return new SessionRules(base.user, base.wildcards, base.addresses,
                StatementRules.pattern(params, "user_match", 0), StatementRules.pattern(params, "user_exclude", 0),
                StatementRules.pattern(params, "source_match", 0), StatementRules.pattern(params, "source_exclude", 0));
    }

    /**
     * The rules of {@code source} and {@code user} alone (null or empty for "any"). Throws
     * {@link IllegalArgumentException} naming {@code section} and {@code source} for a bad address.
     */
    public static SessionRules addresses(String section, String source, String user) {
        List<String[]> wildcards = new ArrayList<>();
        List<InetAddress> addresses = new ArrayList<>();
        String list = source == null ? "" : QuotedText.unquote(source.trim());
        for (String part : list.split(",")) {
            String a = part.trim();
            if (a.isEmpty()) {
                continue;
            }
            if (a.indexOf('%') >= 0) {
                if (!IPV4_WILDCARD.matcher(a).matches() || a.startsWith("%") || !octetsInRange(a)) {
                    throw bad(section, source, "'" + a + "' is not an IPv4 address with % wildcards after its"
                            + " first octet");
                }
                wildcards.add(a.split("\\."));
            } else {
                InetAddress ip = literal(a);
                if (ip == null) {
                    throw bad(section, source, "'" + a + "' is not an IP address; host names are not supported");
                }
                addresses.add(ip);
            }
        }
        String name = user == null ? "" : QuotedText.unquote(user);
        return new SessionRules(name.isEmpty() ? null : name, List.copyOf(wildcards), List.copyOf(addresses),
                null, null, null, null);
    }

    /** True when the filter acts on the session of {@code client}. */
    public boolean covers(ClientInfo client) {
        return userCovered(client.user() == null ? "" : client.user()) && sourceCovered(client.remote());
    }

    /** The {@code source} addresses as given, for diagnostics. */
    public List<String> sources() {
        List<String> out = new ArrayList<>();
        wildcards.forEach(w -> out.add(String.join(".", w)));
        addresses.forEach(a -> out.add(a.getHostAddress()));
        return out;
    }

    /** The {@code user} the filter is limited to, or null. */
    public String user() {
        return user;
    }

    private boolean userCovered(String name) {
        if (user != null) {
            return name.equals(user);
        }
        return (userMatch == null || userMatch.matcher(name).find())
                && (userExclude == null || !userExclude.matcher(name).find());
    }

    private boolean sourceCovered(String remote) {
        if (!wildcards.isEmpty() || !addresses.isEmpty()) {
            return listed(remote);
        }
        String r = remote == null ? "" : remote;
        return (sourceMatch == null || sourceMatch.matcher(r).find())
                && (sourceExclude == null || !sourceExclude.matcher(r).find());
    }

    private boolean listed(String remote) {
        InetAddress ip = literal(remote);
        if (ip == null) {
            return false;                          // a unix-socket client has no address to match
        }
        if (addresses.contains(ip)) {
            return true;
        }
        if (ip.getAddress().length == 4) {
            String[] octets = ip.getHostAddress().split("\\.");
            for (String[] w : wildcards) {
                if (matchesWildcard(w, octets)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matchesWildcard(String[] wildcard, String[] octets) {
        for (int i = 0; i < 4; i++) {
            if (!wildcard[i].equals("%") && Integer.parseInt(wildcard[i]) != Integer.parseInt(octets[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean octetsInRange(String a) {
        for (String o : a.split("\\.")) {
            if (!o.equals("%") && Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IP address literal, never looked up in DNS; null for anything else. */
    private static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        boolean v4 = IPV4.matcher(text).matches();
        boolean v6 = text.indexOf(':') >= 0 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':'
                || c == '.' || c == '%');
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text);    // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static IllegalArgumentException bad(String section, String source, String why) {
        return new IllegalArgumentException("[" + section + "] source: '" + source
                + "' (expected: comma-separated IP addresses, IPv4 ones may use % for whole octets; " + why + ")");
    }
}
