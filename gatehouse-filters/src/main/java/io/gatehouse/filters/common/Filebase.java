package io.gatehouse.filters.common;

import io.gatehouse.api.config.Params;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code filebase} check of the logging filters. Stateless. */
public final class Filebase {
    private Filebase() {
    }

    /**
     * Refuses a {@code filebase} whose directory does not exist or cannot be written, so that a typo stops the start
     * with a message naming it instead of failing in every session.
     */
    public static void check(Params params) {
        String base = QuotedText.unquote(params.string("filebase"));
        Path dir = base.isEmpty() ? null : Path.of(base).toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IllegalArgumentException("[" + params.section() + "] filebase: '" + base
                    + "' (expected: a path in an existing, writable directory)");
        }
    }
}
