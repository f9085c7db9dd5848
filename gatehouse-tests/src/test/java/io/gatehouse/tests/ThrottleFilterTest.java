package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.execute;
import static io.gatehouse.tests.FilterBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The throttlefilter through readwritesplit and readconnroute: a client flooding statements gets no more than about
 * {@code max_qps} per second through (counted per one-second window), a session throttled for longer than
 * {@code throttling_duration} is ended with an error Connector/J and the mariadb CLI show, a statement held back when
 * its client goes away is never run, and bad values stop the start. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class ThrottleFilterTest {
    @Test
    void floodingClientsAreHeldToMaxQps(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=throttlefilter\nmax_qps=20\n"
                + "throttling_duration=60000\nsampling_duration=250ms", "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                List<Long> sent = new ArrayList<>();
                try (Connection c = bed.connect(listener)) {
                    for (int i = 0; i < 70; i++) {
                        assertThat(scalar(c, "SELECT " + i)).isEqualTo(String.valueOf(i));
                        sent.add(System.nanoTime());
                    }
                }
                // A burst of max_qps * sampling_duration = 5 goes at once; after that 20 per second.
                assertThat(mostInOneSecond(sent)).as(listener).isLessThanOrEqualTo(20 + 5 + 2);
                assertThat(sent.get(sent.size() - 1) - sent.get(0)).as(listener)
                        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(2_500));
            }
            assertThat(bed.diagnostics().path("delayed_statements").asLong()).isGreaterThan(100);
            assertThat(bed.diagnostics().path("disconnected_sessions").asLong()).isZero();
        }
    }

    @Test
    void aSessionThrottledTooLongIsEndedWithAnError(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=throttlefilter\nmax_qps=10\n"
                + "throttling_duration=1s\ncontinuous_duration=2s", "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                try (Connection c = bed.connect(listener)) {
                    int ran = 0;
                    SQLException ended = null;
                    long start = System.nanoTime();
                    while (ended == null && ran < 100) {
                        try {
                            scalar(c, "SELECT 1");
                            ran++;
                        } catch (SQLException e) {
                            ended = e;
                        }
                    }
                    assertThat((Object) ended).as(listener + ": ended after %d statements", ran).isNotNull();
                    // Not before it was throttled for throttling_duration; 2 at once, then at most 10 per second.
                    assertThat(System.nanoTime() - start).as(listener).isGreaterThan(1_000_000_000L);
                    assertThat(ran).as(listener).isBetween(2, 20);
                    assertThat(ended.getErrorCode()).isEqualTo(1927);
                    assertThat(ended.getMessage()).contains("throttled for longer than 1000ms");
                    assertThatThrownBy(() -> scalar(c, "SELECT 1")).isInstanceOf(SQLException.class);
                }
                // A new session starts with a clean slate.
                try (Connection c = bed.connect(listener)) {
                    assertThat(scalar(c, "SELECT 2")).isEqualTo("2");
                }
                StringBuilder script = new StringBuilder();
                for (int i = 0; i < 60; i++) {
                    script.append("SELECT ").append(i).append(";");
                }
                Subprocess.Output out = bed.cliRun(listener, script.toString());
                assertThat(out.exitCode()).as(out.describe()).isNotZero();
                assertThat(out.stderr()).as(out.describe()).contains("1927").contains("throttled for longer than");
            }
            assertThat(bed.diagnostics().path("disconnected_sessions").asLong()).isEqualTo(4);
        }
    }

    @Test
    void aPauseOfContinuousDurationEndsThrottling(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=throttlefilter\nmax_qps=10\n"
                + "throttling_duration=1s\ncontinuous_duration=300ms", "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                try (Connection c = bed.connect(listener)) {
                    // Three floods of 0.6 s, each throttled, 1.8 s in all: more than throttling_duration, but
                    // never continuously, since each pause is longer than continuous_duration.
                    for (int round = 0; round < 3; round++) {
                        long start = System.nanoTime();
                        int ran = 0;
                        while (System.nanoTime() - start < 600_000_000L) {
                            assertThat(scalar(c, "SELECT " + ran)).isEqualTo(String.valueOf(ran));
                            ran++;
                        }
                        assertThat(ran).as("%s round %d: statements in 0.6 s at 10 qps", listener, round)
                                .isLessThanOrEqualTo(12);
                        Thread.sleep(700);
                    }
                }
            }
            assertThat(bed.diagnostics().path("disconnected_sessions").asLong()).isZero();
            assertThat(bed.diagnostics().path("delayed_statements").asLong()).isGreaterThan(10);
        }
    }

    @Test
    void aHeldStatementIsDroppedWhenItsClientLeaves(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String t = Names.unique("thr");
        cluster.primary().execute("CREATE TABLE " + Accounts.DATABASE + "." + t + " (a INT)");
        // One statement per second: each statement after the first waits about a second in Gatehouse.
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=throttlefilter\nmax_qps=1\n"
                + "sampling_duration=1s\nthrottling_duration=60s", "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                Connection c = bed.connect(listener);
                execute(c, "SET @x = 1");
                CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
                    try {
                        execute(c, "INSERT INTO " + t + " VALUES (1)");
                    } catch (SQLException e) {
                        // Expected: the connection is aborted while the statement waits.
                    }
                });
                Thread.sleep(300);
                assertThat(held).isNotDone();
                c.abort(Runnable::run);
                held.get(10, TimeUnit.SECONDS);
            }
            Thread.sleep(1_500);                             // past the moment the held statements would have gone
            assertThat(cluster.primary().queryValue("SELECT COUNT(*) FROM " + Accounts.DATABASE + "." + t))
                    .isEqualTo("0");
            // Gatehouse keeps serving.
            try (Connection c = bed.connect(SPLIT)) {
                assertThat(scalar(c, "SELECT 3")).isEqualTo("3");
            }
        } finally {
            cluster.primary().execute("DROP TABLE " + Accounts.DATABASE + "." + t);
        }
    }

    @Test
    void badValuesStopTheStartNamingTheParameter(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        FilterBed.assertRefused(cluster, dir, "module=throttlefilter\nthrottling_duration=1s", "[F] max_qps");
        FilterBed.assertRefused(cluster, dir, "module=throttlefilter\nmax_qps=10", "[F] throttling_duration");
        FilterBed.assertRefused(cluster, dir, "module=throttlefilter\nmax_qps=0\nthrottling_duration=1s",
                "[F] max_qps: '0'");
        FilterBed.assertRefused(cluster, dir, "module=throttlefilter\nmax_qps=5\nthrottling_duration=1s\n"
                + "sampling_duration=soon", "[F] sampling_duration: 'soon'");
    }

    /** The most timestamps (nanoseconds, ascending) that fall within any one second. */
    private static int mostInOneSecond(List<Long> times) {
        int most = 0;
        int from = 0;
        for (int i = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(from) >= 1_000_000_000L) {
                from++;
            }
            most = Math.max(most, i - from + 1);
        }
        return most;
    }
}
