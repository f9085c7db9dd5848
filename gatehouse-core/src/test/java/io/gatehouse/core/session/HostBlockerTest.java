package io.gatehouse.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Failed logins block a host after the limit and for the block time only; a success clears the count. */
class HostBlockerTest {
    @Test
    void blocksAtTheLimitAndLiftsTheBlockAfterItsTime() throws Exception {
        HostBlocker b = new HostBlocker(3, Duration.ofMillis(300));
        assertThat(b.failed("10.0.0.1")).isFalse();
        assertThat(b.failed("10.0.0.1")).isFalse();
        assertThat(b.isBlocked("10.0.0.1")).isFalse();
        assertThat(b.failed("10.0.0.1")).isTrue();
        assertThat(b.isBlocked("10.0.0.1")).isTrue();
        assertThat(b.isBlocked("10.0.0.2")).as("other hosts").isFalse();
        Thread.sleep(400);
        assertThat(b.isBlocked("10.0.0.1")).isFalse();
        assertThat(b.failed("10.0.0.1")).as("the count started again").isFalse();
    }

    @Test
    void aSuccessClearsTheCountAndZeroDisables() {
        HostBlocker b = new HostBlocker(2, Duration.ofSeconds(60));
        b.failed("h");
        b.succeeded("h");
        assertThat(b.failed("h")).isFalse();
        HostBlocker off = new HostBlocker(0, Duration.ofSeconds(60));
        for (int i = 0; i < 100; i++) {
            assertThat(off.failed("h")).isFalse();
        }
        assertThat(off.isBlocked("h")).isFalse();
    }

    @Test
    void manyFailingAddressesDoNotGrowWithoutBound() throws Exception {
        HostBlocker b = new HostBlocker(5, Duration.ofMillis(50));
        for (int i = 0; i < 10_000; i++) {
            b.failed("10.1." + (i / 256) + "." + (i % 256));
        }
        Thread.sleep(100);
        b.failed("192.168.0.1");
        assertThat(b.trackedHosts()).isLessThan(100);
    }
}
