package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.LeakGuard;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * The proxy runs in this JVM for most tests here, so the leak guard must be watching it: paranoid detection on,
 * and the guard's detector factory installed before Netty made its first buffer.
 */
class LeakGuardActiveTest {
    @Test
    void paranoidLeakDetectionWatchesThisJvm() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(LeakGuard.isActive()).isTrue();
    }
}
