package io.gatehouse.monitors.galeramon;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * galeramon's journal: the node that had the Master role, so that after a Gatehouse restart
 * {@code disable_master_failback} keeps that node as the Master instead of moving the role to the lowest index.
 * A small properties file, {@code galeramon.journal} in the monitor's data directory ({@code <datadir>/<monitor>}),
 * replaced atomically when the Master changes; a journal older than {@code journal_max_age} is ignored. Used only on
 * the monitor's thread (and at its construction); no buffers.
 */
final class GaleraJournal {
    private static final Logger LOG = LoggerFactory.getLogger(GaleraJournal.class);

    private final Path file;
    private String lastWritten;

    GaleraJournal(Path monitorDirectory) {
        this.file = monitorDirectory.resolve("galeramon.journal");
    }

    Path file() {
        return file;
    }

    /** The Master the journal names when it is younger than {@code maxAge}; else "" (none, or unknown). */
    String readMaster(Duration maxAge) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            long savedAt = Long.parseLong(p.getProperty("saved_at", "0"));
            if (System.currentTimeMillis() - savedAt > maxAge.toMillis()) {
                LOG.info("Journal {} is older than journal_max_age; ignored", file);
                return "";
            }
            lastWritten = p.getProperty("master", "");
            return lastWritten;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Journal {} unreadable, ignored: {}", file, e.toString());
            return "";
        }
    }

    /** Records {@code master} ("" for none) when it differs from what the file holds. */
    void writeMaster(String master) {
        if (master.equals(lastWritten)) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("master", master);
        p.setProperty("saved_at", Long.toString(System.currentTimeMillis()));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "Gatehouse galeramon journal");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            lastWritten = master;
        } catch (IOException e) {
            LOG.warn("Cannot write journal {}: {}", file, e.toString());
        }
    }
}
