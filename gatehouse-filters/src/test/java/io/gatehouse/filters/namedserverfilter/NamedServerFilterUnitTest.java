package io.gatehouse.filters.namedserverfilter;

import static io.gatehouse.moduletest.FilterHarness.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.moduletest.FilterHarness;
import io.gatehouse.moduletest.ModuleParams;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which hints each statement gets, in which order rules are tried, and the refused values, without a server. */
class NamedServerFilterUnitTest {
    private final NamedServerFilterModule module = new NamedServerFilterModule();

    private Params p(Map<String, String> m) {
        return ModuleParams.of(module.descriptor(), "N", m);
    }

    @Test
    void firstMatchingPairInIndexOrderGivesTheHints() {
        try (FilterHarness h = FilterHarness.of(module, "N", params("match22", "tabletwo", "target22", "->master",
                "match03", "tableone", "target03", "server2, server3", "match05", "everywhere", "target05", "->all",
                "match04", "replica", "target04", "->slave"), FilterHarness.client("127.0.0.1"))) {
            assertThat(h.query("SELECT * FROM TableOne, tabletwo").hints()).containsExactly(
                    new RouteHint(RouteHint.Type.SERVER, "server2", 0), new RouteHint(RouteHint.Type.SERVER, "server3", 0));
            assertThat(h.query("SELECT * FROM tabletwo").hints())
                    .containsExactly(new RouteHint(RouteHint.Type.MASTER, "", 0));
            assertThat(h.query("SELECT 'replica'").hints()).containsExactly(new RouteHint(RouteHint.Type.SLAVE, "", 0));
            assertThat(h.query("SELECT 'everywhere'").hints()).containsExactly(new RouteHint(RouteHint.Type.ALL, "", 0));
            assertThat(h.query("SELECT 1").hints()).isEmpty();
            assertThat(h.filter().diagnostics()).containsEntry("queries_diverted", 4L)
                    .containsEntry("queries_undiverted", 1L);
        }
    }

    @Test
    void caseOptionSourceAndUser() {
        try (FilterHarness h = FilterHarness.of(module, "N", params("match01", "SELECT", "target01", "->master",
                "options", "case"), FilterHarness.client("127.0.0.1"))) {
            assertThat(h.query("select 1").hints()).isEmpty();
            assertThat(h.query("SELECT 1").hints()).hasSize(1);
        }
        try (FilterHarness h = FilterHarness.of(module, "N", params("match01", "x", "target01", "->master",
                "source", "192.168.%.%"), FilterHarness.client("127.0.0.1"))) {
            assertThat(h.query("SELECT 'x'").hints()).isEmpty();
        }
        try (FilterHarness h = FilterHarness.of(module, "N", params("match01", "x", "target01", "->master",
                "user", "other"), FilterHarness.client("127.0.0.1"))) {
            assertThat(h.query("SELECT 'x'").hints()).isEmpty();
        }
    }

    @Test
    void badValuesAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> module.validate(p(params("match01", "x"))))
                .hasMessageContaining("[N] match01: 'x' (expected: together with target01)");
        assertThatThrownBy(() -> module.validate(p(params("target02", "server1"))))
                .hasMessageContaining("[N] target02: 'server1' (expected: together with match02)");
        assertThatThrownBy(() -> module.validate(p(params())))
                .hasMessageContaining("at least one pair");
        assertThatThrownBy(() -> module.validate(p(params("match01", "x", "target01", "->primary"))))
                .hasMessageContaining("[N] target01: '->primary'");
        assertThatThrownBy(() -> module.validate(p(params("match01", "x", "target01", "a,->slave"))))
                .hasMessageContaining("[N] target01: 'a,->slave'");
        assertThatThrownBy(() -> module.validate(p(params("match", "x"))))
                .hasMessageContaining("[N] match: 'x'").hasMessageContaining("server");
        assertThatThrownBy(() -> module.validate(p(params("match01", "(x", "target01", "->master"))))
                .hasMessageContaining("[N] match01");
        Params named = p(params("match01", "x", "target01", "server1,Other-Service", "match02", "y", "target02", "nosuch"));
        assertThatThrownBy(() -> module.validateReferences(named, Set.of("server1"), Set.of("Other-Service")))
                .hasMessageContaining("[N] target01: 'server1,Other-Service'").hasMessageContaining("is a service that no service using this filter names in targets");
        assertThatThrownBy(() -> module.validateReferences(named, Set.of("server1", "Other-Service"), Set.of()))
                .hasMessageContaining("[N] target02: 'nosuch'").hasMessageContaining("not a server");
        module.validateReferences(p(params("match", "x", "server", "server1")), Set.of("server1"), Set.of());
        // A service the filter's own service targets is a valid target; the next rule's bad name is still found.
        assertThatThrownBy(() -> module.validateReferences(named, Set.of("server1"), Set.of("Other-Service"),
                Set.of("Other-Service"))).hasMessageContaining("[N] target02: 'nosuch'");
        module.validateReferences(p(params("match01", "x", "target01", "Other-Service")), Set.of("server1"),
                Set.of("Other-Service"), Set.of("Other-Service"));
    }
}
