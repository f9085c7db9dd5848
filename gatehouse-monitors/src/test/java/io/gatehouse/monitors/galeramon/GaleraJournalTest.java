package io.gatehouse.monitors.galeramon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * galeramon's journal on disk: the Master written by one monitor is what a monitor started later over the same
 * directory reads (created when first written), a journal older than journal_max_age counts for nothing, and an
 * unreadable one is ignored. Runs on the JUnit thread.
 */
class GaleraJournalTest {
    @TempDir
    Path dir;

    @Test
    void theMasterWrittenIsReadBackByTheNextMonitor() {
        Path monitorDir = dir.resolve("Galera-Monitor");
        new GaleraJournal(monitorDir).writeMaster("node-2");
        assertThat(monitorDir.resolve("galeramon.journal")).isRegularFile();
        assertThat(new GaleraJournal(monitorDir).readMaster(Duration.ofHours(8))).isEqualTo("node-2");
    }

    @Test
    void anOldOrBrokenJournalNamesNoMaster() throws Exception {
        GaleraJournal j = new GaleraJournal(dir);
        j.writeMaster("node-1");
        Thread.sleep(20);
        assertThat(new GaleraJournal(dir).readMaster(Duration.ofMillis(1))).isEmpty();
        Files.writeString(j.file(), "saved_at=not a number\nmaster=node-1\n");
        assertThat(new GaleraJournal(dir).readMaster(Duration.ofHours(8))).isEmpty();
        assertThat(new GaleraJournal(dir.resolve("none")).readMaster(Duration.ofHours(8))).isEmpty();
    }
}
