package io.gatehouse.filters.qlafilter;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.LogFile;
import io.gatehouse.sql.Classifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One qlafilter section: its settings, the unified log file and standard output shared by every session, and the
 * classifier for canonical forms and transaction roles. Thread-safe: sessions of every worker write through the
 * shared {@link LogFile}s, which serialise each whole line.
 */
final class QlaFilter implements Filter {
    private final String name;
    private final QlaSettings settings;
    private final Classifier classifier = new Classifier();
    private final LogFile unified;
    private final LogFile stdout;
    /** The settings in the form lines are formatted with: field arrays and UTF-8 separators. */
    private final LogField[] fields;
    private final LogField[] sessionFileFields;
    private final byte[] separator;
    private final byte[] newlineReplacement;
    private final AtomicLong sessions = new AtomicLong();
    /** Sessions not yet closed; when the filter is retired, the last of them releases the unified file. */
    private final AtomicLong live = new AtomicLong();
    private final AtomicBoolean retired = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    QlaFilter(String name, QlaSettings settings) throws IOException {
        this.name = name;
        this.settings = settings;
        this.fields = settings.fields().toArray(new LogField[0]);
        this.sessionFileFields = settings.sessionFileFields().toArray(new LogField[0]);
        this.separator = settings.separator().getBytes(StandardCharsets.UTF_8);
        this.newlineReplacement = settings.newlineReplacement().getBytes(StandardCharsets.UTF_8);
        String header = LogField.header(settings.fields(), settings.separator());
        this.unified = settings.unifiedFile()
                ? LogFile.shared(Path.of(settings.filebase() + ".unified"), settings.append(), header, settings.flush())
                : null;
        this.stdout = settings.stdout() ? LogFile.stdout(header, settings.flush()) : null;
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        sessions.incrementAndGet();
        live.incrementAndGet();
        return new QlaSession(this, client);
    }

    /** Called by each session as it closes, on its worker thread. */
    void sessionEnded() {
        if (live.decrementAndGet() == 0 && retired.get()) {
            releaseFiles();
        }
    }

    /**
     * The filter was destroyed or replaced (admin thread): sessions still open keep logging, and the unified file
     * is given up when the last of them ends.
     */
    @Override
    public void close() {
        retired.set(true);
        if (live.get() == 0) {
            releaseFiles();
        }
    }

    private void releaseFiles() {
        if (unified != null && released.compareAndSet(false, true)) {
            unified.release();
        }
        if (stdout != null) {
            stdout.flush();
        }
    }

    QlaSettings settings() {
        return settings;
    }

    LogField[] fields() {
        return fields;
    }

    LogField[] sessionFileFields() {
        return sessionFileFields;
    }

    byte[] separator() {
        return separator;
    }

    byte[] newlineReplacement() {
        return newlineReplacement;
    }

    Classifier classifier() {
        return classifier;
    }

    /** The file shared by all sessions, or null. */
    LogFile unified() {
        return unified;
    }

    /** Standard output, or null. */
    LogFile stdout() {
        return stdout;
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("filter", name);
        d.put("sessions", sessions.get());
        if (unified != null) {
            d.put("unified_file", unified.name());
            d.put("unified_entries", unified.entries());
        }
        return d;
    }
}
