package io.gatehouse.filters.ccrfilter;

import static io.gatehouse.moduletest.FilterHarness.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.moduletest.ModuleParams;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The window after a write, by count, by time (on a test clock) and across sessions, without a server. */
class CcrFilterUnitTest {
    private static final List<RouteHint> PRIMARY = List.of(new RouteHint(RouteHint.Type.MASTER, "", 0));
    private final CcrFilterModule module = new CcrFilterModule();
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);

    private CcrFilter filter(Map<String, String> p) {
        return new CcrFilter(CcrFilter.Settings.of(ModuleParams.of(module.descriptor(), "C", p)), clock::get);
    }

    private static List<RouteHint> run(CcrSession s, String sql) {
        return s.hintsFor(sql, CcrSession.isWrite(sql));
    }

    @Test
    void countThenNormalRouting() {
        CcrSession s = new CcrSession(filter(params("time", "0s", "count", "2")));
        assertThat(run(s, "SELECT 1")).isEmpty();
        assertThat(run(s, "INSERT INTO t VALUES (1)")).isEmpty();
        assertThat(run(s, "SELECT 1")).isEqualTo(PRIMARY);
        assertThat(run(s, "SELECT 2")).isEqualTo(PRIMARY);
        assertThat(run(s, "SELECT 3")).isEmpty();
    }

    @Test
    void timeWindowRestartsOnEachWriteAndCanBeGlobal() {
        CcrFilter f = filter(params("time", "5s", "global", "true"));
        CcrSession a = new CcrSession(f);
        CcrSession b = new CcrSession(f);
        run(a, "UPDATE t SET a = 1");
        clock.addAndGet(4_000_000_000L);
        assertThat(run(a, "SELECT 1")).isEqualTo(PRIMARY);
        assertThat(run(b, "SELECT 1")).isEqualTo(PRIMARY);
        clock.addAndGet(1_000_000_000L);
        assertThat(run(a, "SELECT 1")).isEmpty();
        assertThat(run(b, "SELECT 1")).isEmpty();
        CcrSession alone = new CcrSession(filter(params("time", "5s")));
        CcrSession other = new CcrSession(filter(params("time", "5s")));
        run(alone, "DELETE FROM t");
        assertThat(run(alone, "SELECT 1")).isEqualTo(PRIMARY);
        assertThat(run(other, "SELECT 1")).isEmpty();
    }

    @Test
    void matchIgnoreAndCommentsDecideWhichWritesCount() {
        CcrSession s = new CcrSession(filter(params("time", "60s", "match", "/insert/", "ignore", "/log_table/")));
        run(s, "UPDATE t SET a = 1");
        assertThat(run(s, "SELECT 1")).isEmpty();
        run(s, "INSERT INTO log_table VALUES (1)");
        assertThat(run(s, "SELECT 1")).isEmpty();
        run(s, "INSERT INTO log_table VALUES (1) -- maxscale ccr=match");
        assertThat(run(s, "SELECT 1")).isEqualTo(PRIMARY);
        CcrSession t = new CcrSession(filter(params("time", "60s")));
        run(t, "INSERT INTO x VALUES (1) /* maxscale ccr=ignore */");
        assertThat(run(t, "SELECT 1")).isEmpty();
        run(t, "SELECT 1 -- maxscale ccr=match");
        assertThat(run(t, "SELECT 1")).isEmpty();
    }

    @Test
    void globalWithCountIsRefused() {
        assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "C",
                params("global", "true", "count", "3"))))
                .hasMessageContaining("[C] global: 'true'").hasMessageContaining("count");
        assertThatThrownBy(() -> ModuleParams.of(module.descriptor(), "C", params("time", "soon")))
                .hasMessageContaining("time");
        assertThatThrownBy(() -> ModuleParams.of(module.descriptor(), "C", params("count", "-1")))
                .hasMessageContaining("count");
    }
}
