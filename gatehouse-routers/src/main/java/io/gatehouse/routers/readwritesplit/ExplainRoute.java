package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.protocol.TextResultSet;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.QueryType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * {@code EXPLAIN ROUTE <statement>}: readwritesplit answers, without running the statement, how it would route it,
 * as a two-column result set ({@code item}, {@code value}): the classification, the transaction state, the hints,
 * the rule that decided, each candidate server with its state, lag and connection, and the chosen target.
 * Stateless; called on the session's worker thread; the result set it returns belongs to the caller.
 */
final class ExplainRoute {
    private static final byte[] EXPLAIN = "EXPLAIN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ROUTE = "ROUTE".getBytes(StandardCharsets.US_ASCII);

    private ExplainRoute() {
    }

    /** What the session knows when it explains: the parts that decide a route. */
    record Facts(Classification classification, String transaction, List<RouteHint> hints,
                 RoutingRules.Decision decision, Endpoint hintTarget, List<Endpoint> chosen,
                 Collection<ServerView> servers, Endpoint primary, List<Endpoint> replicas,
                 Collection<Endpoint> joining, RoutingRules rules) {
    }

    /**
     * The statement after {@code EXPLAIN ROUTE} in a COM_QUERY packet (header included, left as it is), or null
     * when the packet is another statement.
     */
    static String statementOf(ByteBuf packet) {
        int i = packet.readerIndex() + 5;
        int end = packet.writerIndex();
        i = skipSpace(packet, i, end);
        if (!word(packet, i, end, EXPLAIN)) {
            return null;
        }
        int j = i + EXPLAIN.length;
        int k = skipSpace(packet, j, end);
        if (k == j || !word(packet, k, end, ROUTE)) {
            return null;
        }
        int m = k + ROUTE.length;
        int n = skipSpace(packet, m, end);
        if (n == m || n == end) {
            return null;
        }
        return packet.toString(n, end - n, StandardCharsets.UTF_8);
    }

    private static int skipSpace(ByteBuf b, int i, int end) {
        while (i < end && Character.isWhitespace(b.getByte(i))) {
            i++;
        }
        return i;
    }

    private static boolean word(ByteBuf b, int i, int end, byte[] w) {
        if (end - i < w.length) {
            return false;
        }
        for (int k = 0; k < w.length; k++) {
            if (Character.toUpperCase(b.getByte(i + k)) != w[k]) {
                return false;
            }
        }
        return true;
    }

    /** The rows of the answer. */
    static List<List<String>> rows(Facts f) {
        List<List<String>> rows = new ArrayList<>();
        Classification c = f.classification();
        rows.add(List.of("statement", c.sql() == null ? "" : c.sql()));
        rows.add(List.of("canonical", c.canonical()));
        rows.add(List.of("type", typeMask(c.typeMask())));
        rows.add(List.of("operation", "QUERY_OP_" + c.operation().name()));
        rows.add(List.of("transaction", f.transaction()));
        for (RouteHint h : f.hints()) {
            rows.add(List.of("hint", describe(h)));
        }
        if (f.hintTarget() != null) {
            rows.add(List.of("rule", "a routing hint names the target (the rules would say: "
                    + f.decision().rule() + ")"));
            rows.add(List.of("route", "HINT"));
        } else {
            rows.add(List.of("rule", f.decision().rule()));
            rows.add(List.of("route", f.decision().target().name()));
        }
        for (ServerView s : f.servers()) {
            rows.add(List.of("candidate", candidate(s, f)));
        }
        List<String> chosen = new ArrayList<>();
        for (Endpoint e : f.chosen()) {
            chosen.add(e.server().name());
        }
        rows.add(List.of("target", chosen.isEmpty() ? "none: no server is available" : String.join(", ", chosen)));
        return rows;
    }

    /** The rule that decides, as the trace of a session states it. */
    static String rule(Facts f) {
        return f.hintTarget() != null ? "a routing hint names the target (the rules would say: " + f.decision().rule()
                + ")" : f.decision().rule() + " (route " + f.decision().target().name() + ")";
    }

    /** What the rule weighed, as the trace of a session lists it: transaction, hints, candidates. */
    static List<String> weighed(Facts f) {
        List<String> out = new ArrayList<>();
        out.add("transaction: " + f.transaction());
        for (RouteHint h : f.hints()) {
            out.add("hint: " + describe(h));
        }
        for (ServerView s : f.servers()) {
            out.add("candidate " + candidate(s, f));
        }
        return out;
    }

    private static String candidate(ServerView s, Facts f) {
        StringBuilder sb = new StringBuilder(s.name()).append(": ").append(ServerStatus.describe(s.status()));
        long lag = s.state().replicationLag();
        long lagMs = s.state().replicationLagMillis();
        sb.append("; lag ").append(lag < 0 && lagMs < 0 ? "unknown" : lagMs != lag * 1000 ? lagMs + "ms" : lag + "s");
        String connection = "not connected";
        if (f.primary() != null && f.primary().server().name().equals(s.name())) {
            connection = "connected as the primary";
        } else if (has(f.replicas(), s)) {
            connection = "connected as a replica";
        } else if (has(f.joining(), s)) {
            connection = "connecting";
        }
        sb.append("; ").append(connection);
        if (ServerStatus.has(s.status(), ServerStatus.SLAVE)) {
            sb.append(f.rules().usableReplica(s) ? "; may serve reads" : "; may not serve reads (state or lag)");
        }
        return sb.toString();
    }

    private static boolean has(Collection<Endpoint> list, ServerView s) {
        for (Endpoint e : list) {
            if (e.server().name().equals(s.name())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(RouteHint h) {
        String type = h.type().name().toLowerCase(Locale.ROOT);
        return switch (h.type()) {
            case MASTER -> "route to master";
            case SLAVE -> "route to slave";
            case LAST -> "route to last";
            case ALL -> "route to all";
            case SERVER -> "route to server " + h.server();
            case MAX_SLAVE_LAG -> "max_slave_replication_lag=" + h.value();
            default -> type;
        };
    }

    /** Bits as MaxScale writes them: {@code QUERY_TYPE_<NAME>} joined with {@code |}. */
    private static String typeMask(int mask) {
        StringBuilder sb = new StringBuilder();
        for (String bit : QueryType.toString(mask).split("\\|")) {
            sb.append(sb.length() == 0 ? "" : "|").append("QUERY_TYPE_").append(bit);
        }
        return sb.toString();
    }

    /** The answer: a text result set, sequence numbers from 1, ending with the session's {@code status}. */
    static ByteBuf resultSet(ByteBufAllocator alloc, long clientCapabilities, List<List<String>> rows, int status) {
        return TextResultSet.write(alloc, clientCapabilities, List.of("item", "value"), rows, status);
    }
}
