package io.gatehouse.core.users;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The addresses of the accounts whose host is a host name ({@code 'app'@'web1.example.com'}), looked up when the
 * accounts are loaded, for {@code skip_name_resolve=false}. Built on the user-loader thread (the lookups block there,
 * never on a worker) and then immutable, so workers read it without locks. A client matches such an account when its
 * address is one of the name's addresses. No buffers.
 */
public final class HostNames {
    /** Name resolution off ({@code skip_name_resolve=true}): host-name accounts match nobody. */
    public static final HostNames NONE = new HostNames(Map.of());

    private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");

    /** Lower-cased host name -> its addresses as {@link InetAddress#getHostAddress()} writes them. */
    private final Map<String, Set<String>> addresses;

    private HostNames(Map<String, Set<String>> addresses) {
        this.addresses = Map.copyOf(addresses);
    }

    /**
     * Looks up every host name among the accounts' hosts. Blocking (DNS): call only on the user-loader thread. A name
     * that does not resolve matches nobody until a later load resolves it.
     */
    public static HostNames resolve(List<UserAccount> accounts) {
        Map<String, Set<String>> out = new HashMap<>();
        for (UserAccount a : accounts) {
            String host = a.host().toLowerCase(Locale.ROOT);
            if (!isHostName(host) || out.containsKey(host)) {
                continue;
            }
            Set<String> ips = new HashSet<>();
            try {
                for (InetAddress ia : InetAddress.getAllByName(host)) {
                    ips.add(ia.getHostAddress());
                }
            } catch (UnknownHostException | SecurityException e) {
                // Unresolvable: the account matches nobody, as on a server that cannot resolve it.
            }
            out.put(host, Set.copyOf(ips));
        }
        return new HostNames(out);
    }

    /**
     * True when {@code host} names a machine rather than an address or pattern: no wildcard, no netmask, not an
     * address literal and not {@code localhost} (which always means the loopback clients).
     */
    static boolean isHostName(String host) {
        return !host.isEmpty() && host.indexOf('%') < 0 && host.indexOf('_') < 0 && host.indexOf('/') < 0
                && host.indexOf(':') < 0 && !IPV4_LIKE.matcher(host).matches() && !host.equalsIgnoreCase("localhost");
    }

    /** True when the account host {@code host} is a resolved name that {@code clientIp} is an address of. */
    boolean matches(String host, String clientIp) {
        if (addresses.isEmpty()) {
            return false;
        }
        Set<String> ips = addresses.get(host.toLowerCase(Locale.ROOT));
        if (ips == null) {
            return false;
        }
        String ip = clientIp.startsWith("::ffff:") ? clientIp.substring(7) : clientIp;
        return ips.contains(ip) || ips.contains(clientIp);
    }

    /** How many names were looked up (for logs and tests). */
    public int size() {
        return addresses.size();
    }
}
