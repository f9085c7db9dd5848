package io.gatehouse.monitors.mariadbmon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal file: it lives in the monitor's directory, and event names come back exactly as written whatever
 * characters they hold, so a name cannot split into two entries or smuggle text into the SQL built from it. JUnit
 * thread; files only.
 */
class JournalTest {
    @TempDir
    Path dir;

    @Test
    void eventNamesWithQuotesAndNewlinesComeBackWhole() {
        List<ScheduledEvent> events = List.of(new ScheduledEvent("test", "plain"),
                new ScheduledEvent("te`st", "a'b\n`test`.`other` DO DELETE FROM t #"),
                new ScheduledEvent("s\\x", "=:#!\r\n"));
        Journal j = new Journal(dir.resolve("Cluster-Monitor"));
        j.write(new Journal.Entry("db1", "127.0.0.1", 3306, "0-1-5", events, System.currentTimeMillis()),
                Duration.ofMinutes(1));
        assertThat(j.file()).isEqualTo(dir.resolve("Cluster-Monitor").resolve("mariadbmon.journal"));
        assertThat(Files.isRegularFile(j.file())).isTrue();
        Journal.Entry back = new Journal(dir.resolve("Cluster-Monitor")).read(Duration.ofHours(1));
        assertThat(back).isNotNull();
        assertThat(back.events()).isEqualTo(events);
        assertThat(back.events().get(1).sql()).isEqualTo("`te``st`.`a'b\n``test``.``other`` DO DELETE FROM t #`");
    }
}
