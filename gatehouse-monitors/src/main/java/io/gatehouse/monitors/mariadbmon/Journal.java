package io.gatehouse.monitors.mariadbmon;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's journal: what it must remember across a Gatehouse restart (which server was the primary, where it
 * was, its last GTID position and its enabled events), in a small properties file replaced atomically. Entries
 * older than {@code journal_max_age} are ignored. Used only on the monitor's thread; no buffers.
 *
 * <p>The file is {@code mariadbmon.journal} in the monitor's own data directory ({@code <datadir>/<monitor>}).
 * Event names are stored as separate schema and name properties, which the properties format escapes, so no name
 * can split into two entries or change another.
 */
final class Journal {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** What the journal holds. */
    record Entry(String primary, String address, int port, String gtidBinlogPos, List<ScheduledEvent> events,
                 long savedAt) {
    }

    private final Path file;
    private Entry lastWritten;

    Journal(Path monitorDirectory) {
        this.file = monitorDirectory.resolve("mariadbmon.journal");
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
            int count = Integer.parseInt(p.getProperty("events", "0"));
            List<ScheduledEvent> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                events.add(new ScheduledEvent(p.getProperty("event." + i + ".schema"), p.getProperty("event." + i + ".name")));
            }
            return new Entry(p.getProperty("primary", ""), p.getProperty("address", ""),
                    Integer.parseInt(p.getProperty("port", "0")), p.getProperty("gtid_binlog_pos", ""),
                    List.copyOf(events), savedAt);
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
        p.setProperty("events", Integer.toString(e.events().size()));
        for (int i = 0; i < e.events().size(); i++) {
            p.setProperty("event." + i + ".schema", e.events().get(i).schema());
            p.setProperty("event." + i + ".name", e.events().get(i).name());
        }
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
