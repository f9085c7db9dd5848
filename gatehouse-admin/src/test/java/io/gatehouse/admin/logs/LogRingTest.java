package io.gatehouse.admin.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

/** The admin log ring keeps its memory bounded whatever the size of the messages. JUnit thread; no buffers. */
class LogRingTest {
    private static LoggingEvent event(String message) {
        LoggingEvent e = new LoggingEvent();
        e.setLevel(Level.WARN);
        e.setLoggerName("io.gatehouse.test");
        e.setThreadName("test");
        e.setMessage(message);
        e.setTimeStamp(System.currentTimeMillis());
        return e;
    }

    @Test
    void hugeMessagesStayWithinTheDefaultByteBudget() {
        LogRing ring = new LogRing();
        String big = "x".repeat(200_000);
        for (int i = 0; i < 200; i++) {
            ring.append(event(i + ":" + big));
        }
        var kept = ring.recent(Integer.MAX_VALUE, 0);
        long chars = kept.stream().mapToLong(e -> e.message().length()).sum();
        assertThat(2 * chars).as("bytes of message text kept").isLessThanOrEqualTo(1024 * 1024);
        assertThat(kept).isNotEmpty();
        // The newest entries are the ones kept, each shortened with a note of its full length.
        assertThat(kept.get(kept.size() - 1).message()).startsWith("199:").contains("200004 characters, shortened");
        assertThat(kept.get(kept.size() - 1).id()).isEqualTo(200);
    }

    @Test
    void smallMessagesAreBoundedByCountAndKeptWhole() {
        LogRing ring = new LogRing();
        for (int i = 0; i < 5100; i++) {
            ring.append(event("m" + i));
        }
        var kept = ring.recent(Integer.MAX_VALUE, 0);
        assertThat(kept).hasSize(5000);
        assertThat(kept.get(0).message()).isEqualTo("m100");
        assertThat(kept.get(4999).message()).isEqualTo("m5099");
    }
}
