package io.gatehouse.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * StatementStats on two real event loops: counts recorded on different workers merge per statement and server,
 * the per-worker bound sends new statements to "(other)", top N folds the rest into "(other)" without losing a
 * count, and reset clears every worker. JUnit thread plus the loops.
 */
class StatementStatsTest {
    private final EventLoopGroup loops = new DefaultEventLoopGroup(2);
    private final StatementStats stats = new StatementStats();

    @AfterEach
    void close() {
        loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void on(int loop, Runnable r) {
        List<EventExecutor> all = new ArrayList<>();
        loops.forEach(all::add);
        all.get(loop).submit(r).syncUninterruptibly();
    }

    @Test
    void mergesWorkersPerStatementAndServer() {
        on(0, () -> {
            stats.record("SELECT ?", 1, "s1", false, 2, 1_000_000);
            stats.record("SELECT ?", 1, "s1", true, 0, 3_000_000);
            stats.record("SELECT ?", 1, "s2", false, 1, 1_000_000);
        });
        on(1, () -> stats.record("SELECT ?", 1, "s1", false, 5, 2_000_000));
        Map<String, StatementTotals> byServer = stats.snapshot(loops, 10).stream()
                .collect(Collectors.toMap(StatementTotals::server, t -> t));
        StatementTotals s1 = byServer.get("s1");
        assertThat(s1.count()).isEqualTo(3);
        assertThat(s1.errors()).isEqualTo(1);
        assertThat(s1.rows()).isEqualTo(7);
        assertThat(s1.latency().getTotalCount()).isEqualTo(3);
        assertThat(s1.latency().getMaxValue()).isBetween(2_900L, 3_100L);     // microseconds
        assertThat(s1.firstSeenMillis()).isLessThanOrEqualTo(s1.lastSeenMillis());
        assertThat(byServer.get("s2").count()).isEqualTo(1);
    }

    @Test
    void boundedPerWorkerAndTopFoldsTheRest() {
        on(0, () -> {
            for (int i = 0; i < StatementStats.PER_WORKER_LIMIT + 5; i++) {
                stats.record("SELECT " + i, i, "s1", false, 0, 1000);
            }
            for (int i = 0; i < 9; i++) {
                stats.record("SELECT 0", 0, "s1", false, 0, 1000);
            }
        });
        List<StatementTotals> all = stats.snapshot(loops, Integer.MAX_VALUE);
        assertThat(all).hasSize(StatementStats.PER_WORKER_LIMIT + 1);
        assertThat(all.get(0).statement()).isEqualTo("SELECT 0");
        assertThat(all.get(0).count()).isEqualTo(10);
        StatementTotals other = all.get(all.size() - 1);
        assertThat(other.statement()).isEqualTo(StatementStats.OTHER);
        assertThat(other.count()).isEqualTo(5);

        List<StatementTotals> top = stats.snapshot(loops, 1);
        assertThat(top).extracting(StatementTotals::statement).containsExactly("SELECT 0", StatementStats.OTHER);
        assertThat(top.get(1).count()).isEqualTo(StatementStats.PER_WORKER_LIMIT + 5 - 1);
        assertThat(top.stream().mapToLong(StatementTotals::count).sum())
                .isEqualTo(all.stream().mapToLong(StatementTotals::count).sum());

        stats.reset(loops);
        assertThat(stats.snapshot(loops, 10)).isEmpty();
    }
}
