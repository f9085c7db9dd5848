package io.gatehouse.monitors.galeramon;

import io.gatehouse.monitors.common.JournalFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * galeramon's journal: the node that had the Master role, so that after a Gatehouse restart
 * {@code disable_master_failback} keeps that node as the Master instead of moving the role to the lowest index.
 * Kept in {@code galeramon.journal} in the monitor's data directory ({@code <datadir>/<monitor>}), a
 * {@link JournalFile} rewritten when the Master changes. Used only on the monitor's thread (and at its
 * construction); no buffers.
 */
final class GaleraJournal {
    private final JournalFile file;
    private String lastWritten;

    GaleraJournal(Path monitorDirectory) {
        this.file = new JournalFile(monitorDirectory, "galeramon.journal", "Gatehouse galeramon journal");
    }

    Path file() {
        return file.path();
    }

    /** The Master the journal names when it is younger than {@code maxAge}; else "" (none, or unknown). */
    String readMaster(Duration maxAge) {
        Properties p = file.readFresh(maxAge);
        if (p == null) {
            return "";
        }
        lastWritten = p.getProperty("master", "");
        return lastWritten;
    }

    /** Records {@code master} ("" for none) when it differs from what the file holds. */
    void writeMaster(String master) {
        if (master.equals(lastWritten)) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("master", master);
        if (file.write(p, System.currentTimeMillis())) {
            lastWritten = master;
        }
    }
}
