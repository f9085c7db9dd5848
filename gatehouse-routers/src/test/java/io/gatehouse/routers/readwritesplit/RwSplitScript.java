package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.moduletest.RouterHarness;
import io.gatehouse.moduletest.ScriptedEndpoint;
import io.gatehouse.moduletest.StatementSession;
import io.gatehouse.moduletest.TestPackets;
import io.gatehouse.moduletest.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The readwritesplit tests' common script: a primary {@code p} and replicas {@code r1}, {@code r2} (MariaDB
 * 10.11.6), sessions whose login sql_mode query the primary answers, and "where did this statement go". Test
 * thread only; the buffers it scripts are owned by the endpoints they are queued on.
 */
final class RwSplitScript {
    static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
    static final int QUERY = TestPackets.COM_QUERY;
    static final String VERSION = "10.11.6-MariaDB-log";

    final TestServer p = TestServer.primary("p").version(VERSION);
    final TestServer r1 = TestServer.replica("r1").version(VERSION);
    final TestServer r2 = TestServer.replica("r2").version(VERSION);

    /** The router over p, r1 and r2 with these readwritesplit parameters. */
    RouterHarness harness(Map<String, String> params) {
        return RouterHarness.of(new ReadWriteSplitModule(), "Split-Service", params, p, r1, r2);
    }

    /** A session whose login sql_mode query is answered with {@code sqlMode} by whichever server is asked. */
    static StatementSession open(RouterHarness h, String sqlMode) {
        boolean[] answered = {false};
        return h.open(e -> {
            if (!answered[0] && e.server().status() != 0 && isPrimary(e)) {
                answered[0] = true;
                e.answer(TestPackets.oneValue(ALLOC, sqlMode), TestPackets.resultSetReply(QUERY, 1));
            }
        });
    }

    static StatementSession open(RouterHarness h) {
        return open(h, "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION");
    }

    private static boolean isPrimary(ScriptedEndpoint e) {
        return (e.server().status() & io.gatehouse.api.server.ServerStatus.MASTER) != 0;
    }

    /** Sends {@code sql} and returns the servers that received exactly it, in name order. */
    static Set<String> route(StatementSession s, String sql, RouteHint... hints) {
        Map<String, Integer> before = counts(s);
        s.query(sql, hints);
        Set<String> to = new TreeSet<>();
        s.endpoints().forEach((name, e) -> {
            List<String> got = e.received();
            for (int i = before.getOrDefault(name, 0); i < got.size(); i++) {
                if (got.get(i).equals(sql)) {
                    to.add(name);
                }
            }
        });
        return to;
    }

    /** As {@link #route(StatementSession, String, RouteHint...)}, for a command a test built (and maybe asked). */
    static Set<String> routeCommand(StatementSession s, Command command) {
        String sql = command.sql();
        Map<String, Integer> before = counts(s);
        s.send(command);
        Set<String> to = new TreeSet<>();
        s.endpoints().forEach((name, e) -> {
            List<String> got = e.received();
            for (int i = before.getOrDefault(name, 0); i < got.size(); i++) {
                if (got.get(i).equals(sql)) {
                    to.add(name);
                }
            }
        });
        return to;
    }

    /** Sends {@code packet} and returns what each server received for it (internal queries included). */
    static Map<String, List<String>> send(StatementSession s, ByteBuf packet) {
        Map<String, Integer> before = counts(s);
        s.send(packet);
        Map<String, List<String>> out = new java.util.TreeMap<>();
        s.endpoints().forEach((name, e) -> {
            List<String> got = e.received();
            int from = before.getOrDefault(name, 0);
            if (got.size() > from) {
                out.put(name, new ArrayList<>(got.subList(from, got.size())));
            }
        });
        return out;
    }

    private static Map<String, Integer> counts(StatementSession s) {
        Map<String, Integer> before = new HashMap<>();
        s.endpoints().forEach((name, e) -> before.put(name, e.received().size()));
        return before;
    }

    /** Queues {@code n} OK replies with these server status flags on {@code server}'s connection. */
    static void replies(StatementSession s, String server, int status, int n) {
        for (int i = 0; i < n; i++) {
            s.endpoint(server).answer(TestPackets.ok(s.alloc(), 1, status), TestPackets.okReply(QUERY, status, null));
        }
    }

    /** Queues a one-row, one-value result on {@code server}'s connection. */
    static void value(StatementSession s, String server, String value) {
        s.endpoint(server).answer(TestPackets.oneValue(s.alloc(), value), TestPackets.resultSetReply(QUERY, 1));
    }

    static RouteHint hint(RouteHint.Type type) {
        return new RouteHint(type, "", 0);
    }

    static final Set<String> PRIMARY = Set.of("p");
    static final Set<String> ALL = Set.of("p", "r1", "r2");
}
