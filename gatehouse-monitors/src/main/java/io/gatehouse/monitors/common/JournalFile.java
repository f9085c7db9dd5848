package io.gatehouse.monitors.common;

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
 * The file a monitor keeps its journal in: a small properties file in the monitor's data directory, stamped with the
 * time it was saved and replaced atomically, so a crash mid-write leaves the previous journal whole. A journal older
 * than the monitor's {@code journal_max_age}, or one that cannot be read, counts as none. Used only on the owning
 * monitor's thread (and at its construction); no buffers.
 */
public final class JournalFile {
    private static final Logger LOG = LoggerFactory.getLogger(JournalFile.class);
    private static final String SAVED_AT = "saved_at";

    private final Path file;
    private final String comment;

    /** The journal {@code name} in {@code monitorDirectory}; {@code comment} heads the file. */
    public JournalFile(Path monitorDirectory, String name, String comment) {
        this.file = monitorDirectory.resolve(name);
        this.comment = comment;
    }

    public Path path() {
        return file;
    }

    /**
     * The journal's properties when it exists and was saved less than {@code maxAge} ago; else null (missing, stale
     * or unreadable, each but the first logged). {@link #savedAt} tells when it was saved.
     */
    public Properties readFresh(Duration maxAge) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            if (System.currentTimeMillis() - savedAt(p) > maxAge.toMillis()) {
                LOG.info("Journal {} is older than journal_max_age; ignored", file);
                return null;
            }
            return p;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Journal {} unreadable, ignored: {}", file, e.toString());
            return null;
        }
    }

    /** When the journal read as {@code p} was saved, in epoch milliseconds (0 when it does not say). */
    public static long savedAt(Properties p) {
        return Long.parseLong(p.getProperty(SAVED_AT, "0"));
    }

    /**
     * Replaces the journal with {@code p}, stamped as saved at {@code savedAtMillis}; returns false (logged) when the
     * file cannot be written, the old journal then staying as it was.
     */
    public boolean write(Properties p, long savedAtMillis) {
        p.setProperty(SAVED_AT, Long.toString(savedAtMillis));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, comment);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            LOG.warn("Cannot write journal {}: {}", file, e.toString());
            return false;
        }
    }
}
