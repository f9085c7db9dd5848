package io.gatehouse.routers.mirror;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where mirror reports go: the log at info level, or appended to a file one JSON object a line. Sessions hand it
 * finished lines on their worker threads; file writes run on one shared background thread so that no event loop
 * waits for the disk, in the order the lines were handed over. Thread-safe; holds no buffers.
 */
final class MirrorExporter {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorExporter.class);
    /** One writer thread for every mirror service: reports are small and writes are appends. */
    private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-mirror-export");
        t.setDaemon(true);
        return t;
    });

    private final String service;
    private final Path file;

    /** {@code file} null exports to the log. */
    MirrorExporter(String service, Path file) {
        this.service = service;
        this.file = file;
    }

    /** Exports one report line (without its newline); any thread, never blocks. */
    void export(String json) {
        if (file == null) {
            LOG.info("{}: {}", service, json);
            return;
        }
        WRITER.execute(() -> {
            try {
                Files.writeString(file, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } catch (IOException e) {
                LOG.warn("{}: cannot write the mirror report to {}: {}", service, file, e.toString());
            }
        });
    }
}
