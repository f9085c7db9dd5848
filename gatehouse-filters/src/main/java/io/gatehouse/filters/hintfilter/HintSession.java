package io.gatehouse.filters.hintfilter;

import static io.gatehouse.protocol.Commands.COM_QUERY;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.filters.common.SqlComments;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One session of the hintfilter: finds {@code maxscale ...} comments in each COM_QUERY and turns them into
 * {@link RouteHint}s. Supports a hint for one statement ({@code maxscale route to master}), named hints
 * ({@code maxscale NAME prepare route to slave}, then {@code maxscale NAME begin}), anonymous blocks
 * ({@code maxscale begin route to server server2}) and {@code maxscale end}. Confined to the session's worker
 * thread; reads the packet without keeping it.
 */
final class HintSession implements FilterSession {
    private static final byte[] MARK = "maxscale".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, List<RouteHint>> named = new HashMap<>();
    private final ArrayDeque<List<RouteHint>> active = new ArrayDeque<>();

    @Override
    public List<RouteHint> routeQuery(Command command) {
        List<RouteHint> out = new ArrayList<>();
        ByteBuf packet = command.packet();
        if (command.command() == COM_QUERY && contains(packet, packet.readerIndex() + 5, packet.writerIndex())) {
            String sql = packet.toString(packet.readerIndex() + 5, packet.readableBytes() - 5, StandardCharsets.UTF_8);
            for (String comment : SqlComments.of(sql)) {
                apply(comment.trim(), out);
            }
        }
        if (out.isEmpty() && !active.isEmpty()) {
            out.addAll(active.peek());
        }
        return out;
    }

    /** Handles one comment's text; hints for this statement alone go to {@code out}. */
    void apply(String comment, List<RouteHint> out) {
        String[] w = comment.split("\\s+");
        if (w.length < 2 || !w[0].equalsIgnoreCase("maxscale")) {
            return;
        }
        String second = w[1].toLowerCase(Locale.ROOT);
        if (second.equals("end")) {
            active.poll();
            return;
        }
        if (second.equals("begin")) {
            List<RouteHint> h = parse(w, 2);
            if (!h.isEmpty()) {
                active.push(h);
            }
            return;
        }
        if (w.length >= 3 && w[2].equalsIgnoreCase("prepare")) {
            named.put(second, parse(w, 3));
            return;
        }
        if (w.length >= 3 && w[2].equalsIgnoreCase("begin")) {
            List<RouteHint> h = w.length > 3 ? parse(w, 3) : named.get(second);
            if (h != null && !h.isEmpty()) {
                named.putIfAbsent(second, h);
                active.push(h);
            }
            return;
        }
        out.addAll(parse(w, 1));
    }

    /** {@code route to master|slave|last|server NAME} or {@code max_slave_replication_lag=N} from word {@code at}. */
    static List<RouteHint> parse(String[] w, int at) {
        List<RouteHint> out = new ArrayList<>();
        if (at + 2 < w.length + 1 && at + 1 < w.length && w[at].equalsIgnoreCase("route")
                && w[at + 1].equalsIgnoreCase("to") && at + 2 < w.length) {
            String t = w[at + 2].toLowerCase(Locale.ROOT);
            switch (t) {
                case "master" -> out.add(new RouteHint(RouteHint.Type.MASTER, "", 0));
                case "slave" -> out.add(new RouteHint(RouteHint.Type.SLAVE, "", 0));
                case "last" -> out.add(new RouteHint(RouteHint.Type.LAST, "", 0));
                case "server" -> {
                    if (at + 3 < w.length) {
                        out.add(new RouteHint(RouteHint.Type.SERVER, w[at + 3], 0));
                    }
                }
                default -> {
                    // An unknown target is ignored, as an unknown hint should never change where a statement goes.
                }
            }
        } else if (at < w.length) {
            String kv = String.join("", java.util.Arrays.copyOfRange(w, at, w.length)).toLowerCase(Locale.ROOT);
            String key = "max_slave_replication_lag";
            if (kv.startsWith(key) && kv.length() > key.length() + 1) {
                try {
                    long v = Long.parseLong(kv.substring(key.length() + 1).replaceAll("[^0-9]", ""));
                    out.add(new RouteHint(RouteHint.Type.MAX_SLAVE_LAG, "", v));
                } catch (NumberFormatException e) {
                    // Not a number: no hint.
                }
            }
        }
        return out;
    }

    /** A quick byte test before decoding: is "maxscale" (any case) anywhere in the statement? */
    private static boolean contains(ByteBuf b, int from, int to) {
        outer:
        for (int i = from; i + MARK.length <= to; i++) {
            for (int k = 0; k < MARK.length; k++) {
                if (Character.toLowerCase(b.getByte(i + k)) != MARK[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
