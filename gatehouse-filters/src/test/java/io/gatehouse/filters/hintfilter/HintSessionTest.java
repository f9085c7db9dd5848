package io.gatehouse.filters.hintfilter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.filters.common.SqlComments;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comment syntax of hints, including comments that only look like hints from inside string literals. */
class HintSessionTest {
    @Test
    void commentsOutsideStringsOnly() {
        assertThat(SqlComments.of("SELECT '-- maxscale route to master', 1 -- maxscale route to slave"))
                .containsExactly(" maxscale route to slave");
        assertThat(SqlComments.of("SELECT /* a */ 1 # b\n/* c"))
                .containsExactly(" a ", " b", " c");
        assertThat(SqlComments.of("SELECT 1--2")).isEmpty();
    }

    @Test
    void hintForms() {
        assertThat(HintSession.parse("maxscale route to server server2".split(" "), 1))
                .containsExactly(new RouteHint(RouteHint.Type.SERVER, "server2", 0));
        assertThat(HintSession.parse("maxscale max_slave_replication_lag=7".split(" "), 1))
                .containsExactly(new RouteHint(RouteHint.Type.MAX_SLAVE_LAG, "", 7));
        assertThat(HintSession.parse("maxscale route to nowhere".split(" "), 1)).isEmpty();
        HintSession s = new HintSession();
        List<RouteHint> out = new java.util.ArrayList<>();
        s.apply("maxscale h prepare route to master", out);
        assertThat(out).isEmpty();
        s.apply("maxscale h begin", out);
        s.apply("maxscale end", out);
        s.apply("MaxScale route to last", out);
        assertThat(out).containsExactly(new RouteHint(RouteHint.Type.LAST, "", 0));
    }
}
