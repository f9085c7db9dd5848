package io.gatehouse.core.session.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol v1 header Gatehouse sends first on a backend connection of a server with
 * {@code proxy_protocol=true}, so the server (and its grants) see the client's address instead of Gatehouse's.
 * Version 1 is one text line that every server supporting the protocol reads. Stateless; the buffer returned is
 * the caller's to write.
 */
final class ProxyHeader {
    private ProxyHeader() {
    }

    /** The header for a client at {@code clientIp}:{@code clientPort} connected through {@code backend}. */
    static ByteBuf v1(Channel backend, String clientIp, int clientPort) {
        String line;
        InetAddress src = literal(clientIp);
        InetSocketAddress dst = backend.remoteAddress() instanceof InetSocketAddress isa ? isa : null;
        if (src == null || dst == null || dst.getAddress() == null
                || (src.getAddress().length != dst.getAddress().getAddress().length)) {
            // A unix-socket client, or families that differ: the server keeps the connection's own address.
            line = "PROXY UNKNOWN\r\n";
        } else {
            String family = src.getAddress().length == 4 ? "TCP4" : "TCP6";
            line = "PROXY " + family + " " + src.getHostAddress() + " " + dst.getAddress().getHostAddress() + " "
                    + Math.max(clientPort, 0) + " " + dst.getPort() + "\r\n";
        }
        return backend.alloc().buffer(line.length()).writeBytes(line.getBytes(StandardCharsets.US_ASCII));
    }

    private static InetAddress literal(String ip) {
        if (ip == null || !(ip.matches("[0-9.]+") || ip.contains(":"))) {
            return null;
        }
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
