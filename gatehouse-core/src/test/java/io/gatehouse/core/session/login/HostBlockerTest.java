package io.gatehouse.core.session.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Failed logins block a host after the limit within one block time, and for the block time only; failures older
 * than the window are forgotten. The test thread.
 */
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
    void failuresOutsideTheWindowAreForgottenAndZeroDisables() throws Exception {
        HostBlocker b = new HostBlocker(2, Duration.ofSeconds(1));
        b.failed("h");
        Thread.sleep(1300);
        assertThat(b.failed("h")).as("the first failure is out of the window").isFalse();
        assertThat(b.failed("h")).isTrue();
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
