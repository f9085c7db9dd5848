package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.monitors.common.JournalFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's journal: what it must remember across a Gatehouse restart (which server was the primary, where it
 * was, its last GTID position and its enabled events), in a {@link JournalFile} (properties, replaced atomically;
 * older than {@code journal_max_age} it is ignored). Used only on the monitor's thread; no buffers.
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

    private final JournalFile file;
    private Entry lastWritten;

    Journal(Path monitorDirectory) {
        this.file = new JournalFile(monitorDirectory, "mariadbmon.journal", "Gatehouse mariadbmon journal");
    }

    Path file() {
        return file.path();
    }

    /** The entry, when there is one younger than {@code maxAge}. */
    Entry read(Duration maxAge) {
        Properties p = file.readFresh(maxAge);
        if (p == null) {
            return null;
        }
        try {
            int count = Integer.parseInt(p.getProperty("events", "0"));
            List<ScheduledEvent> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                events.add(new ScheduledEvent(p.getProperty("event." + i + ".schema"),
                        p.getProperty("event." + i + ".name")));
            }
            return new Entry(p.getProperty("primary", ""), p.getProperty("address", ""),
                    Integer.parseInt(p.getProperty("port", "0")), p.getProperty("gtid_binlog_pos", ""),
                    List.copyOf(events), JournalFile.savedAt(p));
        } catch (RuntimeException e) {
            LOG.warn("Journal {} unreadable, ignored: {}", file.path(), e.toString());
            return null;
        }
    }

    /** Writes the entry when it differs from the last one written (ignoring its time), or when that is stale. */
    void write(Entry e, Duration refreshAfter) {
        if (lastWritten != null && sameContent(lastWritten, e)
                && e.savedAt() - lastWritten.savedAt() < refreshAfter.toMillis()) {
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
        if (file.write(p, e.savedAt())) {
            lastWritten = e;
        }
    }

    private static boolean sameContent(Entry a, Entry b) {
        return a.primary().equals(b.primary()) && a.port() == b.port() && a.gtidBinlogPos().equals(b.gtidBinlogPos())
                && a.events().equals(b.events());
    }
}
