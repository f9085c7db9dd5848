package io.gatehouse.core.session.login;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The networks of {@code proxy_protocol_networks}: addresses and subnets allowed to tell Gatehouse, in a PROXY
 * protocol header, which client they connect for. Entries: {@code *} (everyone), {@code localhost} (loopback and
 * unix sockets), an address, or a subnet {@code address/prefix}, separated by commas or spaces. Immutable; any
 * thread.
 */
public final class TrustedNetworks {
    private record Subnet(byte[] network, int prefix) {
        boolean contains(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final boolean everyone;
    private final boolean localhost;
    private final List<Subnet> subnets;

    private TrustedNetworks(boolean everyone, boolean localhost, List<Subnet> subnets) {
        this.everyone = everyone;
        this.localhost = localhost;
        this.subnets = subnets;
    }

    /** Parses the parameter; null or blank gives null (no one trusted). */
    public static TrustedNetworks parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        boolean all = false;
        boolean local = false;
        List<Subnet> subnets = new ArrayList<>();
        for (String entry : text.trim().split("[,\\s]+")) {
            if (entry.equals("*")) {
                all = true;
            } else if (entry.equalsIgnoreCase("localhost")) {
                local = true;
            } else {
                int slash = entry.indexOf('/');
                String addr = slash < 0 ? entry : entry.substring(0, slash);
                byte[] bytes = literal(addr, entry);
                int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(entry.substring(slash + 1));
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix outside 0.." + bytes.length * 8);
                }
                subnets.add(new Subnet(bytes, prefix));
            }
        }
        return new TrustedNetworks(all, local, List.copyOf(subnets));
    }

    private static byte[] literal(String addr, String entry) {
        // Only literals: resolving names here would make a DNS lookup decide who is trusted.
        if (!addr.matches("[0-9.]+") && !addr.contains(":")) {
            throw new IllegalArgumentException("'" + entry + "' is not an address or subnet");
        }
        try {
            return InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + entry + "' is not an address or subnet");
        }
    }

    /** Whether a connection from {@code source} may send a PROXY header. */
    public boolean trusts(SocketAddress source) {
        if (everyone) {
            return true;
        }
        if (!(source instanceof InetSocketAddress isa) || isa.getAddress() == null) {
            return localhost;                  // unix socket
        }
        InetAddress a = isa.getAddress();
        if (localhost && a.isLoopbackAddress()) {
            return true;
        }
        byte[] bytes = a.getAddress();
        for (Subnet s : subnets) {
            if (s.contains(bytes)) {
                return true;
            }
        }
        return false;
    }
}
