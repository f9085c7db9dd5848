package io.gatehouse.filters.support;

import io.gatehouse.api.router.ClientInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code source} and {@code user} parameters that limit a filter to some sessions: {@code source} is a
 * comma-separated list of client addresses, IPv4 or IPv6, where an IPv4 octet may be the wildcard {@code %}
 * ({@code 192.168.%.%}); {@code user} is one user name. Immutable and thread-safe; checked once per session.
 *
 * <p>Host names are refused when the configuration is loaded: matching them needs a reverse DNS lookup per session,
 * which would block a worker thread.
 */
public final class ClientMatch {
    private static final Pattern IPV4_WILDCARD = Pattern.compile("(\\d{1,3}|%)(\\.(\\d{1,3}|%)){3}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final List<String[]> wildcards;
    private final List<InetAddress> addresses;
    private final String user;

    private ClientMatch(List<String[]> wildcards, List<InetAddress> addresses, String user) {
        this.wildcards = wildcards;
        this.addresses = addresses;
        this.user = user;
    }

    /**
     * Parses {@code source} and {@code user} (null or empty for "any"). Throws {@link IllegalArgumentException} naming
     * {@code section} and the parameter for an address that is neither an IP address nor an IPv4 wildcard.
     */
    public static ClientMatch of(String section, String source, String user) {
        List<String[]> wildcards = new ArrayList<>();
        List<InetAddress> addresses = new ArrayList<>();
        if (source != null && !source.isBlank()) {
            for (String part : source.split(",")) {
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
        }
        return new ClientMatch(List.copyOf(wildcards), List.copyOf(addresses),
                user == null || user.isEmpty() ? null : user);
    }

    /** True when the filter acts on sessions of {@code client}. */
    public boolean matches(ClientInfo client) {
        if (user != null && !user.equals(client.user())) {
            return false;
        }
        if (wildcards.isEmpty() && addresses.isEmpty()) {
            return true;
        }
        InetAddress ip = literal(client.remote());
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

    /** The source addresses as given, for diagnostics. */
    public List<String> sources() {
        List<String> out = new ArrayList<>();
        wildcards.forEach(w -> out.add(String.join(".", w)));
        addresses.forEach(a -> out.add(a.getHostAddress()));
        return out;
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
