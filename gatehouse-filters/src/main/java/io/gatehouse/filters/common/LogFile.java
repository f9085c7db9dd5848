package io.gatehouse.filters.common;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One text file a logging filter writes (or standard output), through a 64 KiB buffer so that a worker thread
 * writing an entry only copies bytes (entries come as UTF-8, either already encoded by the caller or as text encoded
 * here), and touches the disk when the buffer fills or when {@code flush} asks for it. A session's own file is used by its worker alone; a file shared by every session (qlafilter's unified
 * log) is written by several workers, so each write takes the file's monitor for the time of one copy. A failed
 * write is reported once and later entries are dropped, never thrown at the session.
 */
public final class LogFile {
    private static final Logger LOG = LoggerFactory.getLogger(LogFile.class);
    private static final int BUFFER = 64 * 1024;

    /** The files opened with {@link #shared}, by absolute path, each with how many holders it has. */
    private static final Map<Path, LogFile> SHARED = new HashMap<>();

    private final String name;
    private final OutputStream out;
    private volatile boolean flushEach;
    private final boolean closeable;
    private boolean failed;
    private long entries;
    private int holders;

    private LogFile(String name, OutputStream out, boolean flushEach, boolean closeable) {
        this.name = name;
        this.out = out;
        this.flushEach = flushEach;
        this.closeable = closeable;
    }

    /**
     * Opens {@code path} for writing. With {@code append} an existing file is continued and {@code header} is written
     * only when the file is new or empty; without it the file is emptied and the header always written.
     */
    public static LogFile open(Path path, boolean append, String header, boolean flushEach) throws IOException {
        boolean fresh = !append || !Files.exists(path) || Files.size(path) == 0;
        OutputStream w = new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING),
                BUFFER);
        LogFile f = new LogFile(path.toString(), w, flushEach, true);
        if (fresh && !header.isEmpty()) {
            f.write(header);
            f.entries = 0;
        }
        return f;
    }

    /**
     * The one instance of the file at {@code path} for every holder in this process (a filter and the instance that
     * replaces it at runtime, or two filters with the same file), so that lines of different holders never mix in
     * one write. The first holder opens it as {@link #open} does; a later one continues it (whatever its
     * {@code append}, since truncating would cut the lines of the others) and sets {@code flushEach}. Each holder
     * calls {@link #release} once; the last one closes the file.
     */
    public static LogFile shared(Path path, boolean append, String header, boolean flushEach) throws IOException {
        Path key = path.toAbsolutePath().normalize();
        synchronized (SHARED) {
            LogFile f = SHARED.get(key);
            if (f == null) {
                f = open(key, append, header, flushEach);
                SHARED.put(key, f);
            }
            f.flushEach = flushEach;
            f.holders++;
            return f;
        }
    }

    /** Gives up one holder's use of a {@link #shared} file; the last holder's release closes it. */
    public void release() {
        synchronized (SHARED) {
            if (--holders > 0) {
                flush();
                return;
            }
            SHARED.remove(Path.of(name));
        }
        close();
    }

    /**
     * The process's standard output (qlafilter's {@code log_type=stdout}), as {@link System#out} is when this is
     * called; closing it only flushes.
     */
    public static LogFile stdout(String header, boolean flushEach) {
        OutputStream w = new BufferedOutputStream(System.out, BUFFER);
        LogFile f = new LogFile("stdout", w, flushEach, false);
        if (!header.isEmpty()) {
            f.write(header);
            f.entries = 0;
        }
        return f;
    }

    /** Appends {@code text} (one or more whole lines), encoded as UTF-8. */
    public void write(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        write(b, 0, b.length);
    }

    /**
     * Appends {@code len} bytes of {@code utf8} from {@code off}: one or more whole lines, UTF-8 encoded. The bytes
     * are copied before this returns, so the caller may reuse the array.
     */
    public synchronized void write(byte[] utf8, int off, int len) {
        if (failed) {
            return;
        }
        try {
            out.write(utf8, off, len);
            entries++;
            if (flushEach) {
                out.flush();
            }
        } catch (IOException e) {
            failed("write to", e);
        }
    }

    /** Writes out what the buffer holds. */
    public synchronized void flush() {
        if (failed) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            failed("flush", e);
        }
    }

    /** Flushes and closes the file (standard output is only flushed). */
    public synchronized void close() {
        flush();
        if (closeable) {
            try {
                out.close();
            } catch (IOException e) {
                failed("close", e);
            }
        }
    }

    /** Entries written since the file was opened (the header not counted). */
    public synchronized long entries() {
        return entries;
    }

    public String name() {
        return name;
    }

    private void failed(String what, IOException e) {
        failed = true;
        LOG.error("cannot {} log file {}: {}; later entries are dropped", what, name, e.toString());
    }
}
