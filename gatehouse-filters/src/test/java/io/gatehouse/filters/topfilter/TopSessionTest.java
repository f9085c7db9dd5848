package io.gatehouse.filters.topfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.SessionRules;
import io.gatehouse.filters.common.StatementRules;
import io.gatehouse.moduletest.ModuleParams;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topfilter's ranking and report layout, from plain timings. */
class TopSessionTest {
    private static final ClientInfo CLIENT = new ClientInfo(3, "app", "127.0.0.1", null);

    @Test
    void keepsTheSlowestMatchingStatements() {
        TopFilter f = new TopFilter("/tmp/x", 2, new StatementRules(null, Pattern.compile("skip")),
                SessionRules.of(ModuleParams.of(new TopFilterModule().descriptor(), "T", Map.of("filebase", "/tmp/x"))));
        TopSession s = new TopSession(f, CLIENT, true, 0, 0);
        long[] millis = {5, 300, 20, 900, 1};
        for (int i = 0; i < millis.length; i++) {
            s.onStatement("SELECT " + i, 1_000_000_000L);
            s.onReply(1_000_000_000L + millis[i] * 1_000_000);
        }
        s.onStatement("SELECT skip", 0);
        s.onReply(99_000_000_000L);
        String report = s.report(10_000_000_000L);
        assertThat(report).startsWith("Top 2 longest running queries in session.\n")
                .contains("     0.900 |  SELECT 3\n     0.300 |  SELECT 1\n")
                .doesNotContain("SELECT 2").doesNotContain("skip")
                .contains("Connection from 127.0.0.1\nUsername        app\n")
                .contains("Total of 5 statements executed.\n")
                .contains("Total statement execution time   1.226 seconds\n")
                .contains("Average statement execution time 0.245 seconds\n")
                .contains("Total connection time            10.000 seconds\n");
    }

    @Test
    void countMustBePositive(@TempDir Path dir) {
        TopFilterModule m = new TopFilterModule();
        assertThatThrownBy(() -> m.validate(ModuleParams.of(m.descriptor(), "Top",
                Map.of("filebase", dir.resolve("t").toString(), "count", "0"))))
                .hasMessageContaining("[Top] count: '0'");
        assertThatThrownBy(() -> ModuleParams.of(m.descriptor(), "Top",
                Map.of("filebase", dir.resolve("t").toString(), "count", "ten"))).hasMessageContaining("count");
    }
}
