package io.gatehouse.filters.regexfilter;

import static io.gatehouse.moduletest.FilterHarness.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.moduletest.FilterHarness;
import io.gatehouse.moduletest.ModuleParams;
import io.gatehouse.moduletest.TestPackets;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rewrite itself, the replacement syntax and the refused values, without a server. */
class RegexFilterUnitTest {
    private final RegexFilterModule module = new RegexFilterModule();

    private FilterHarness harness(Map<String, String> p, String remote, String user) {
        return FilterHarness.of(module, "R", p, new io.gatehouse.api.router.ClientInfo(1, user, remote, null));
    }

    @Test
    void replacesEveryMatchWithGroupsAndKeepsOtherBytes() {
        try (FilterHarness h = harness(params("match", "/TYPE\\s*=\\s*(\\w+)/", "replace", "ENGINE=$1 /* $$x\\ */"),
                "127.0.0.1", "app")) {
            assertThat(h.query("CREATE TABLE t (a INT) type = MyISAM").sql())
                    .isEqualTo("CREATE TABLE t (a INT) ENGINE=MyISAM /* $x\\ */");
            assertThat(h.query("SELECT 'é' AS type").sql()).isEqualTo("SELECT 'é' AS type");
            assertThat(h.query("SELECT 1 type=a, 2 TYPE=b").sql()).isEqualTo("SELECT 1 ENGINE=a /* $x\\ */, 2 ENGINE=b /* $x\\ */");
            // A statement in another character set passes through byte for byte.
            byte[] latin1 = "SELECT 'caf\u00e9', TYPE=x".getBytes(StandardCharsets.ISO_8859_1);
            var routed = h.send(TestPackets.command(h.alloc(), TestPackets.COM_QUERY, latin1));
            byte[] out = new byte[routed.packet().readableBytes() - 5];
            routed.packet().getBytes(5, out);
            assertThat(out).isEqualTo("SELECT 'caf\u00e9', ENGINE=x /* $x\\ */".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(h.filter().diagnostics()).containsEntry("altered", 3L).containsEntry("unaltered", 1L);
        }
    }

    @Test
    void caseOptionAndSessionLimits() {
        try (FilterHarness h = harness(params("match", "select", "replace", "SELECT", "options", "case"),
                "127.0.0.1", "app")) {
            assertThat(h.query("SELECT 1").sql()).isEqualTo("SELECT 1");
            assertThat(h.query("select 1").sql()).isEqualTo("SELECT 1");
        }
        try (FilterHarness h = harness(params("match", "1", "replace", "2", "source", "10.%.%.%"), "127.0.0.1", "app")) {
            assertThat(h.query("SELECT 1").sql()).isEqualTo("SELECT 1");
        }
        try (FilterHarness h = harness(params("match", "1", "replace", "2", "source", "127.0.%.%, ::1", "user", "app"),
                "127.0.0.1", "app")) {
            assertThat(h.query("SELECT 1").sql()).isEqualTo("SELECT 2");
        }
        try (FilterHarness h = harness(params("match", "1", "replace", "2", "user", "bob"), "127.0.0.1", "app")) {
            assertThat(h.query("SELECT 1").sql()).isEqualTo("SELECT 1");
        }
    }

    @Test
    void badValuesAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "R",
                params("match", "(a)", "replace", "$2"))))
                .hasMessageContaining("[R] replace: '$2'").hasMessageContaining("1 group(s), not 2");
        assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "R",
                params("match", "a", "replace", "b", "source", "db.example.com"))))
                .hasMessageContaining("[R] source: 'db.example.com'").hasMessageContaining("host names");
        assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "R",
                params("match", "a", "replace", "b", "log_file", "/nonexistent-dir/x.log"))))
                .hasMessageContaining("[R] log_file: '/nonexistent-dir/x.log'");
        assertThatThrownBy(() -> ModuleParams.of(module.descriptor(), "R", params("match", "a", "replace", "b",
                "options", "nocase"))).hasMessageContaining("options");
    }
}
