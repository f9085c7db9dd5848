package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.config.LogThrottling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MaxScale's global log parameters as the log file shows them: {@code ms_timestamp}, {@code log_augmentation},
 * {@code log_throttling} and {@code maxlog}.
 */
class LoggingTest {
    private static final Logger LOG = LoggerFactory.getLogger("io.gatehouse.test.LoggingTest");

    @TempDir
    Path dir;

    @AfterEach
    void reset() {
        Logging.configure(dir.resolve("after"), false, false, false, true, true);
    }

    private static Logging.Settings settings(boolean ms, boolean augmentation, String throttling, boolean maxlog) {
        return new Logging.Settings(false, false, true, true, maxlog, ms, augmentation, LogThrottling.parse(throttling));
    }

    private List<String> lines() throws Exception {
        Logging.stop();
        return Files.readAllLines(dir.resolve("gatehouse.log"));
    }

    @Test
    void timestampsHaveMillisecondsOnlyWithMsTimestamp() throws Exception {
        Logging.configure(dir, false, settings(false, false, "0, 0, 0", true));
        LOG.warn("plain");
        assertThat(lines()).singleElement().asString().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d WARN .*plain");
        Files.delete(dir.resolve("gatehouse.log"));
        Logging.configure(dir, false, settings(true, false, "0, 0, 0", true));
        LOG.warn("precise");
        assertThat(lines()).singleElement().asString()
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN .*precise");
    }

    @Test
    void augmentationAddsTheLoggingMethod() throws Exception {
        Logging.configure(dir, false, settings(false, true, "0, 0, 0", true));
        LOG.warn("augmented");
        assertThat(lines()).singleElement().asString().endsWith("augmented (augmentationAddsTheLoggingMethod)");
    }

    @Test
    void aRepeatedWarningIsSuppressedAfterCountButNoticesNeverAre() throws Exception {
        Logging.configure(dir, false, settings(false, false, "3, 1h, 1h", true));
        for (int i = 0; i < 10; i++) {
            LOG.warn("disk {} is slow", i);
            LOG.info("notice {}", i);
        }
        LOG.warn("another warning");
        List<String> lines = lines();
        assertThat(lines).filteredOn(l -> l.matches(".*disk \\d is slow")).hasSize(3);
        assertThat(lines).filteredOn(l -> l.contains("now suppressed for 3600000 ms: disk {} is slow")).hasSize(1);
        assertThat(lines).filteredOn(l -> l.contains("notice")).hasSize(10);
        assertThat(lines).filteredOn(l -> l.contains("another warning")).hasSize(1);
    }

    @Test
    void maxlogFalseWritesNoFile() throws Exception {
        Logging.configure(dir, false, settings(false, false, LogThrottling.DEFAULT, false));
        LOG.warn("nowhere");
        Logging.stop();
        assertThat(dir.resolve("gatehouse.log")).doesNotExist();
    }

    @Test
    void syslogWithoutAJournalSaysSoOnceInTheFileAndTheRestGoesOn() throws Exception {
        Path missing = dir.resolve("no-journal.sock");
        String before = System.getProperty(JournalAppender.SOCKET_PROPERTY);
        System.setProperty(JournalAppender.SOCKET_PROPERTY, missing.toString());
        try {
            Logging.configure(dir, false, new Logging.Settings(false, false, true, true, true, false, false,
                    LogThrottling.parse("0, 0, 0"), true));
            LOG.warn("file still written");
            Logging.apply(dir, false, new Logging.Settings(false, false, true, true, true, false, false,
                    LogThrottling.parse("0, 0, 0"), false));
            LOG.warn("journal off");
        } finally {
            if (before == null) {
                System.clearProperty(JournalAppender.SOCKET_PROPERTY);
            } else {
                System.setProperty(JournalAppender.SOCKET_PROPERTY, before);
            }
        }
        List<String> lines = lines();
        assertThat(lines).filteredOn(l -> l.contains("nothing is sent to the system journal")).singleElement()
                .asString().contains(missing.toString()).contains("WARN");
        assertThat(lines).filteredOn(l -> l.contains("file still written") || l.contains("journal off")).hasSize(2);
    }
}
