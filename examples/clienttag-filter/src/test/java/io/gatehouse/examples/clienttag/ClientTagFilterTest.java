package io.gatehouse.examples.clienttag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.moduletest.FilterHarness;
import io.gatehouse.moduletest.TestPackets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientTagFilterTest {
    private final ClientTagFilterModule module = new ClientTagFilterModule();

    @Test
    void queriesCarryTheClientAddress() {
        try (FilterHarness h = FilterHarness.of(module, "Tag", Map.of(), FilterHarness.client("10.1.2.3"))) {
            assertEquals("/* client=10.1.2.3 */ SELECT 1", h.query("SELECT 1").sql());
            assertEquals("/* client=10.1.2.3 */ INSERT INTO t VALUES ('é')", h.query("INSERT INTO t VALUES ('é')").sql());
            assertEquals(2L, h.filter().diagnostics().get("tagged_statements"));
        }
    }

    @Test
    void theTagWordIsConfigurable() {
        try (FilterHarness h = FilterHarness.of(module, "Tag", FilterHarness.params("tag", "origin"),
                FilterHarness.client("192.168.0.9"))) {
            assertEquals("/* origin=192.168.0.9 */ SELECT 2", h.query("SELECT 2").sql());
        }
    }

    @Test
    void otherCommandsPassUnchanged() {
        try (FilterHarness h = FilterHarness.of(module, "Tag", Map.of(), FilterHarness.client("10.1.2.3"))) {
            var routed = h.send(TestPackets.command(h.alloc(), TestPackets.COM_PING, new byte[0]));
            assertEquals(5, routed.packet().readableBytes());
            assertEquals(TestPackets.COM_PING, TestPackets.commandOf(routed.packet()));
        }
    }

    @Test
    void aTagThatCouldCloseTheCommentIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> module.validate(
                io.gatehouse.moduletest.ModuleParams.of(module.descriptor(), "Tag", Map.of("tag", "x*/DROP"))));
        assertTrue(e.getMessage().contains("tag"), e.getMessage());
    }
}
