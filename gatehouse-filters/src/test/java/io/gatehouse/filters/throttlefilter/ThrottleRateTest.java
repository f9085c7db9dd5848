package io.gatehouse.filters.throttlefilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.moduletest.FilterHarness;
import io.gatehouse.moduletest.ModuleParams;
import io.gatehouse.moduletest.TestFilterContext;
import io.gatehouse.moduletest.TestPackets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The throttle's rate logic on a clock the test moves: bursts up to {@code max_qps * sampling_duration}, then
 * statements spaced {@code 1/max_qps} apart, the disconnect after {@code throttling_duration} of continuous throttling,
 * and the return to normal after {@code continuous_duration} without a delay. No server, no sleeping.
 */
class ThrottleRateTest {
    private static final long MS = 1_000_000L;
    private final ThrottleFilterModule module = new ThrottleFilterModule();

    private static ThrottleSettings settings(long qps, long samplingMs, long throttlingMs, long continuousMs) {
        return new ThrottleSettings(qps, samplingMs * MS, throttlingMs * MS, continuousMs * MS);
    }

    @Test
    void aBurstUpToTheWindowPassesThenStatementsAreSpacedToMaxQps() {
        // 400 qps over 10 s: 4000 statements may go at once, as MaxScale's documentation describes.
        QueryRate rate = new QueryRate(settings(400, 10_000, 60_000, 2_000));
        long now = 1_000 * MS;
        for (int i = 0; i < 4000; i++) {
            assertThat(rate.admit(now)).as("statement %d of the burst", i).isZero();
            now += MS / 2;                                   // 2000 qps
        }
        assertThat(rate.throttling()).isFalse();
        // The window is full: a client that sends as fast as it is let through now gets 400 per second.
        long start = now;
        int sent = 0;
        while (now - start < 5_000 * MS) {
            long delay = rate.admit(now);
            assertThat(delay).isGreaterThanOrEqualTo(0);
            now += delay;                                    // a client waits for each reply
            sent++;
        }
        assertThat(rate.throttling()).isTrue();
        assertThat(sent).isBetween(1990, 2010);             // 5 s at 400 qps
    }

    @Test
    void aSessionBelowTheRateIsNeverDelayed() {
        QueryRate rate = new QueryRate(settings(100, 250, 1_000, 2_000));
        long now = 0;
        for (int i = 0; i < 10_000; i++) {
            assertThat(rate.admit(now)).isZero();
            now += 11 * MS;                                  // about 91 qps
        }
        assertThat(rate.throttling()).isFalse();
    }

    @Test
    void continuousThrottlingLongerThanThrottlingDurationDisconnects() {
        QueryRate rate = new QueryRate(settings(100, 250, 1_000, 2_000));
        long now = 0;
        long firstDelay = -1;
        while (true) {
            long d = rate.admit(now);
            if (d == QueryRate.DISCONNECT) {
                break;
            }
            if (d > 0 && firstDelay < 0) {
                firstDelay = now;
            }
            now += d;
            assertThat(now).as("disconnected in time").isLessThan(5_000 * MS);
        }
        assertThat(firstDelay).isNotNegative();
        assertThat(now - firstDelay).isGreaterThan(1_000 * MS).isLessThan(1_100 * MS);
    }

    @Test
    void aPauseOfContinuousDurationEndsThrottlingAndResetsTheDisconnectClock() {
        QueryRate rate = new QueryRate(settings(100, 250, 1_000, 500));
        long now = 0;
        // Throttled for 0.8 s, under throttling_duration.
        long until = 800 * MS;
        while (now < until) {
            long d = rate.admit(now);
            assertThat(d).isNotEqualTo(QueryRate.DISCONNECT);
            now += Math.max(d, 1);
        }
        assertThat(rate.throttling()).isTrue();
        // A pause shorter than continuous_duration keeps the session throttled: 0.3 s more of flooding disconnects.
        now += 300 * MS;
        long d;
        long start = now;
        while ((d = rate.admit(now)) != QueryRate.DISCONNECT) {
            now += Math.max(d, 1);
            assertThat(now - start).isLessThan(1_000 * MS);
        }
        // A fresh rate, paused for longer than continuous_duration, starts counting again from zero.
        QueryRate fresh = new QueryRate(settings(100, 250, 1_000, 500));
        now = 0;
        while (now < 800 * MS) {
            now += Math.max(fresh.admit(now), 1);
        }
        now += 600 * MS;
        assertThat(fresh.admit(now)).isZero();
        assertThat(fresh.throttling()).isFalse();
        start = now;
        while (now - start < 900 * MS) {                     // 0.9 s more of flooding: still under 1 s
            d = fresh.admit(now);
            assertThat(d).isNotEqualTo(QueryRate.DISCONNECT);
            now += Math.max(d, 1);
        }
    }

    @Test
    void theSessionAsksForDelaysAndEndsItselfWithAnError() {
        long[] clock = {0};
        ThrottleFilter filter = new ThrottleFilter("T", settings(10, 250, 1_000, 2_000), () -> clock[0]);
        TestFilterContext ctx = new TestFilterContext();
        FilterSession s = filter.newSession(FilterHarness.client("127.0.0.1"), ctx);
        ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        SessionSqlState state = new SessionSqlState(List.of());
        List<Long> delays = new ArrayList<>();
        while (ctx.closedMessage == null) {
            ByteBuf p = TestPackets.query(alloc, "SELECT 1");
            try {
                long d = s.delayNanos(new Command(p, state));
                delays.add(d);
                clock[0] += d;
            } finally {
                p.release();
            }
            assertThat(delays.size()).isLessThan(100);
        }
        // 10 qps over 250 ms: 2 at once, then one every 100 ms, for a second, then the end.
        assertThat(delays.subList(0, 2)).containsOnly(0L);
        assertThat(delays.get(3)).isEqualTo(100 * MS);
        assertThat(ctx.closedMessage).contains("throttled", "1000ms", "'T'");
        assertThat(ctx.closedCode).isEqualTo(1927);
        assertThat(filter.diagnostics()).containsEntry("disconnected_sessions", 1L);
        // A statement that gets no reply (COM_STMT_CLOSE) is neither counted nor held.
        ByteBuf close = TestPackets.command(alloc, 0x19, new byte[] {1, 0, 0, 0});
        try {
            assertThat(s.delayNanos(new Command(close, state))).isZero();
        } finally {
            close.release();
        }
    }

    @Test
    void parametersFollowMaxScale() {
        Map<String, String> p = FilterHarness.params("max_qps", "500", "throttling_duration", "60000");
        ThrottleSettings s = ThrottleSettings.of(ModuleParams.of(module.descriptor(), "T", p));
        assertThat(s.throttlingNanos()).isEqualTo(60_000 * MS);     // bare number: milliseconds
        assertThat(s.samplingNanos()).isEqualTo(250 * MS);
        assertThat(s.continuousNanos()).isEqualTo(2_000 * MS);
        s = ThrottleSettings.of(ModuleParams.of(module.descriptor(), "T", FilterHarness.params("max_qps", "5",
                "throttling_duration", "1m", "sampling_duration", "1s", "continuous_duration", "500ms")));
        assertThat(s.throttlingNanos()).isEqualTo(60_000 * MS);
        assertThat(s.samplingNanos()).isEqualTo(1_000 * MS);
        assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "T", FilterHarness.params(
                "max_qps", "0", "throttling_duration", "10s")))).hasMessageContaining("[T] max_qps: '0'");
        assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "T", FilterHarness.params(
                "max_qps", "5", "throttling_duration", "0ms")))).hasMessageContaining("[T] throttling_duration: '0ms'");
    }
}
