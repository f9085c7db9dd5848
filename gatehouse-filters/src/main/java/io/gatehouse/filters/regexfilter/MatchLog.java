package io.gatehouse.filters.regexfilter;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code log_file} of every regexfilter: workers hand lines over through a bounded queue without blocking, and
 * one daemon thread ({@code regexfilter-log}) appends them to their files, so no worker ever waits on a disk. When
 * the queue is full a line is dropped and counted rather than slowing a session down. Thread-safe; holds no buffers.
 */
final class MatchLog {
    private static final Logger LOG = LoggerFactory.getLogger(MatchLog.class);
    private static final int CAPACITY = 16_384;

    private record Line(Path file, String text) {
    }

    private static final BlockingQueue<Line> QUEUE = new ArrayBlockingQueue<>(CAPACITY);
    private static final AtomicLong DROPPED = new AtomicLong();
    private static Thread writer;

    private MatchLog() {
    }

    /**
     * Checks at configuration time that {@code file} can be opened for appending (creating it), as MaxScale refuses a
     * filter whose log file it cannot open. Throws {@link IllegalArgumentException} naming the section and parameter.
     */
    static void check(String section, String file) {
        try (Writer w = Files.newBufferedWriter(Path.of(file), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.flush();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("[" + section + "] log_file: '" + file
                    + "' (expected: a file Gatehouse can create or append to; " + e + ")");
        }
    }

    /** Queues one line for {@code file}; never blocks. */
    static void append(Path file, String text) {
        startWriter();
        if (!QUEUE.offer(new Line(file, text))) {
            DROPPED.incrementAndGet();
        }
    }

    /** Lines dropped because the writer could not keep up. */
    static long dropped() {
        return DROPPED.get();
    }

    private static synchronized void startWriter() {
        if (writer != null) {
            return;
        }
        writer = new Thread(MatchLog::run, "regexfilter-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** The writer thread: blocks for a line, writes everything queued, flushes, and never dies. */
    private static void run() {
        Map<Path, Writer> open = new HashMap<>();
        Set<Path> failed = new HashSet<>();
        List<Line> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(QUEUE.take());
                QUEUE.drainTo(batch);
                for (Line l : batch) {
                    write(open, failed, l);
                }
                for (Writer w : open.values()) {
                    w.flush();
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("regexfilter log_file: {}", e.toString());
                closeAll(open);
            }
            batch.clear();
        }
    }

    private static void write(Map<Path, Writer> open, Set<Path> failed, Line l) throws IOException {
        Writer w = open.get(l.file());
        if (w == null) {
            try {
                w = Files.newBufferedWriter(l.file(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                if (failed.add(l.file())) {        // say it once, not once per statement
                    LOG.warn("regexfilter cannot open log_file {}: {}", l.file(), e.toString());
                }
                return;
            }
            failed.remove(l.file());
            open.put(l.file(), w);
        }
        w.write(l.text());
    }

    private static void closeAll(Map<Path, Writer> open) {
        for (Writer w : open.values()) {
            try {
                w.close();
            } catch (IOException e) {
                // Already failing: the next line opens the file again.
            }
        }
        open.clear();
    }
}
