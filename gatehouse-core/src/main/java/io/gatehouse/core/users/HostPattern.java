package io.gatehouse.core.users;

/**
 * Matches client addresses against account host patterns the way MariaDB does for IP addresses: {@code %} and
 * {@code _} wildcards, {@code address/netmask}, and {@code localhost} for loopback clients. Stateless.
 */
public final class HostPattern {
    private HostPattern() {
    }

    /**
     * True when {@code clientIp} matches {@code pattern}. {@code wildcardMatchesLocalhost} follows the service's
     * {@code localhost_match_wildcard_host}.
     */
    public static boolean matches(String pattern, String clientIp, boolean wildcardMatchesLocalhost) {
        boolean loopback = isLoopback(clientIp);
        if (pattern.equalsIgnoreCase("localhost")) {
            return loopback;
        }
        if (loopback && !wildcardMatchesLocalhost && pattern.equals("%")) {
            return false;
        }
        int slash = pattern.indexOf('/');
        if (slash > 0) {
            return matchesNetmask(pattern.substring(0, slash), pattern.substring(slash + 1), clientIp);
        }
        String ip = clientIp.startsWith("::ffff:") ? clientIp.substring(7) : clientIp;
        return like(pattern, 0, ip, 0) || (!ip.equals(clientIp) && like(pattern, 0, clientIp, 0));
    }

    /** A rank for sorting: larger is more specific (no wildcard beats wildcard, longer literal prefix wins). */
    public static int specificity(String pattern) {
        int wild = -1;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '%' || c == '_') {
                wild = i;
                break;
            }
        }
        if (wild < 0) {
            return 100_000 + pattern.length();
        }
        return wild;
    }

    static boolean isLoopback(String ip) {
        return ip.equals("localhost") || ip.startsWith("127.") || ip.equals("::1") || ip.equals("0:0:0:0:0:0:0:1") || ip.startsWith("::ffff:127.");
    }

    private static boolean like(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '%') {
                for (int k = si; k <= s.length(); k++) {
                    if (like(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length()) {
                return false;
            }
            if (c != '_' && Character.toLowerCase(c) != Character.toLowerCase(s.charAt(si))) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }

    private static boolean matchesNetmask(String base, String mask, String clientIp) {
        long b = ipv4(base);
        long m = ipv4(mask);
        long c = ipv4(clientIp.startsWith("::ffff:") ? clientIp.substring(7) : clientIp);
        return b >= 0 && m >= 0 && c >= 0 && (c & m) == (b & m);
    }

    private static long ipv4(String s) {
        String[] parts = s.split("\\.");
        if (parts.length != 4) {
            return -1;
        }
        long v = 0;
        for (String p : parts) {
            try {
                int n = Integer.parseInt(p);
                if (n < 0 || n > 255) {
                    return -1;
                }
                v = v << 8 | n;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return v;
    }
}
