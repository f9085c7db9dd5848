package io.gatehouse.examples.roundrobin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.moduletest.RouterHarness;
import io.gatehouse.moduletest.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinRouterTest {
    private final RoundRobinRouterModule module = new RoundRobinRouterModule();

    private static List<String> picks(RouterHarness h, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var s = h.select();
            out.add(s == null ? null : s.name());
        }
        return out;
    }

    @Test
    void connectionsTakeTurns() {
        RouterHarness h = RouterHarness.of(module, "RR", Map.of(), TestServer.primary("a"), TestServer.replica("b"),
                TestServer.replica("c"));
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picks(h, 6));
        assertEquals(6L, h.router().diagnostics().get("connections_routed"));
    }

    @Test
    void serversThatCannotTakeSessionsAreSkipped() {
        TestServer b = TestServer.replica("b");
        RouterHarness h = RouterHarness.of(module, "RR", Map.of(), TestServer.primary("a"), b,
                TestServer.down("c"));
        b.status(ServerStatus.RUNNING | ServerStatus.SLAVE | ServerStatus.MAINTENANCE);
        assertEquals(List.of("a", "a"), picks(h, 2));
    }

    @Test
    void thePrimaryCanBeLeftOut() {
        RouterHarness h = RouterHarness.of(module, "RR", Map.of("include_primary", "false"), TestServer.primary("a"),
                TestServer.replica("b"), TestServer.replica("c"));
        assertEquals(List.of("b", "c", "b"), picks(h, 3));
    }

    @Test
    void noServerMeansNoChoice() {
        RouterHarness h = RouterHarness.of(module, "RR", Map.of(), TestServer.down("a"));
        assertNull(h.select());
    }
}
