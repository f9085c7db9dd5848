package io.gatehouse.tests;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checks that {@link Sysbench} reads the summary of sysbench 1.0.20 as printed on Debian; pure parsing. */
class SysbenchOutputTest {
    private static final String OUTPUT = String.join("\n",
            "sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)",
            "",
            "Threads started!",
            "",
            "DEBUG: Ignoring error 1213 Deadlock found when trying to get lock; try restarting transaction, ",
            "(last message repeated 8 times)",
            "DEBUG: Ignoring error 1205 Lock wait timeout exceeded; try restarting transaction, ",
            "Time limit exceeded, exiting...",
            "(last message repeated 3 times)",
            "Done.",
            "",
            "SQL statistics:",
            "    queries performed:",
            "        read:                            52430",
            "        write:                           14958",
            "        other:                           7481",
            "        total:                           74869",
            "    transactions:                        3736   (933.11 per sec.)",
            "    queries:                             74869  (18699.48 per sec.)",
            "    ignored errors:                      10     (2.50 per sec.)",
            "    reconnects:                          0      (0.00 per sec.)",
            "",
            "General statistics:",
            "    total time:                          4.0033s",
            "    total number of events:              3736",
            "",
            "Latency (ms):",
            "         min:                                    0.88",
            "         avg:                                    4.28",
            "         max:                                   27.99",
            "         95th percentile:                        7.30",
            "         sum:                                15992.58",
            "");

    @Test
    void readsTheSummaryAndNamesIgnoredErrors() throws IOException {
        Sysbench.Result r = Sysbench.parse(Sysbench.Workload.OLTP_READ_WRITE, Sysbench.PsMode.AUTO, 4, OUTPUT);
        assertThat(r.transactions()).isEqualTo(3736);
        assertThat(r.tps()).isEqualTo(933.11);
        assertThat(r.queries()).isEqualTo(74869);
        assertThat(r.qps()).isEqualTo(18699.48);
        assertThat(r.ignoredErrors()).isEqualTo(10);
        // The repeat after "Time limit exceeded" belongs to that line, not to the last error.
        assertThat(r.ignoredErrorsByCode()).isEqualTo(Map.of(1213, 9L, 1205, 1L));
        assertThat(r.reconnects()).isZero();
        assertThat(r.avgLatencyMs()).isEqualTo(4.28);
        assertThat(r.p95LatencyMs()).isEqualTo(7.30);
        assertThat(r.totalTimeSeconds()).isEqualTo(4.0033);
    }

    @Test
    void aTruncatedSummaryIsAnError() {
        assertThatThrownBy(() -> Sysbench.parse(Sysbench.Workload.OLTP_POINT_SELECT, Sysbench.PsMode.DISABLE, 4,
                OUTPUT.substring(0, OUTPUT.indexOf("    queries:"))))
                .isInstanceOf(IOException.class).hasMessageContaining("queries");
    }
}
