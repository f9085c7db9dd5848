package io.gatehouse.filters.comment;

import static io.gatehouse.moduletest.FilterHarness.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.moduletest.FilterHarness;
import io.gatehouse.moduletest.ModuleParams;
import io.gatehouse.moduletest.TestPackets;
import org.junit.jupiter.api.Test;

/** The injected comment, $IP, the commands it leaves alone and the refused values, without a server. */
class CommentFilterUnitTest {
    private final CommentFilterModule module = new CommentFilterModule();

    @Test
    void commentGoesBeforeEveryQueryWithTheClientAddress() {
        try (FilterHarness h = FilterHarness.of(module, "C", params("inject", "\"IP=$IP $ip\""),
                FilterHarness.client("192.0.2.7"))) {
            assertThat(h.query("SELECT 1").sql()).isEqualTo("/* IP=192.0.2.7 $ip */SELECT 1");
            var prepared = h.send(TestPackets.command(h.alloc(), TestPackets.COM_STMT_PREPARE, "SELECT ?".getBytes()));
            assertThat(prepared.sql()).isEqualTo("SELECT ?");
        }
    }

    @Test
    void unquotedOrCommentEndingValuesAreRefused() {
        assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "C", params("inject", "IP=$IP"))))
                .hasMessageContaining("[C] inject: 'IP=$IP'").hasMessageContaining("quotes");
        assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "C", params("inject", "'a */ b'"))))
                .hasMessageContaining("[C] inject:").hasMessageContaining("*/");
        assertThatThrownBy(() -> ModuleParams.of(module.descriptor(), "C", params())).hasMessageContaining("inject");
    }
}
