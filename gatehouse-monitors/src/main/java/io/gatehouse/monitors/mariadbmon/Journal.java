package io.gatehouse.monitors.mariadbmon;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's journal: what it must remember across a Gatehouse restart (which server was the primary, where it
 * was, its last GTID position and its enabled events), in a small properties file replaced atomically. Entries
 * older than {@code journal_max_age} are ignored. Used only on the monitor's thread; no buffers.
 *
 * <p>The monitor API gives monitors no data directory yet, so the file lives under the system property
 * {@code gatehouse.datadir} when set, else under {@code java.io.tmpdir/gatehouse}, in
 * {@code <monitor>/mariadbmon.journal}.
 */
final class Journal {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** What the journal holds. */
    record Entry(String primary, String address, int port, String gtidBinlogPos, List<String> events, long savedAt) {
    }

    private final Path file;
    private Entry lastWritten;

    Journal(String monitorName) {
        String base = System.getProperty("gatehouse.datadir");
        Path dir = base != null ? Path.of(base) : Path.of(System.getProperty("java.io.tmpdir"), "gatehouse");
        this.file = dir.resolve(monitorName.replaceAll("[^A-Za-z0-9_.-]", "_")).resolve("mariadbmon.journal");
    }

    Path file() {
        return file;
    }

    /** The entry, when there is one younger than {@code maxAge}. */
    Entry read(Duration maxAge) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            long savedAt = Long.parseLong(p.getProperty("saved_at", "0"));
            if (System.currentTimeMillis() - savedAt > maxAge.toMillis()) {
                LOG.info("Journal {} is older than journal_max_age; ignored", file);
                return null;
            }
            String events = p.getProperty("events", "");
            return new Entry(p.getProperty("primary", ""), p.getProperty("address", ""),
                    Integer.parseInt(p.getProperty("port", "0")), p.getProperty("gtid_binlog_pos", ""),
                    events.isEmpty() ? List.of() : List.of(events.split("\n")), savedAt);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Journal {} unreadable, ignored: {}", file, e.toString());
            return null;
        }
    }

    /** Writes the entry when it differs from the last one written (ignoring its time), or when that is stale. */
    void write(Entry e, Duration refreshAfter) {
        if (lastWritten != null && sameContent(lastWritten, e) && e.savedAt() - lastWritten.savedAt() < refreshAfter.toMillis()) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("primary", e.primary());
        p.setProperty("address", e.address() == null ? "" : e.address());
        p.setProperty("port", Integer.toString(e.port()));
        p.setProperty("gtid_binlog_pos", e.gtidBinlogPos());
        p.setProperty("events", String.join("\n", e.events()));
        p.setProperty("saved_at", Long.toString(e.savedAt()));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "Gatehouse mariadbmon journal");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            lastWritten = e;
        } catch (IOException ex) {
            LOG.warn("Cannot write journal {}: {}", file, ex.toString());
        }
    }

    private static boolean sameContent(Entry a, Entry b) {
        return a.primary().equals(b.primary()) && a.port() == b.port() && a.gtidBinlogPos().equals(b.gtidBinlogPos())
                && a.events().equals(b.events());
    }
}
