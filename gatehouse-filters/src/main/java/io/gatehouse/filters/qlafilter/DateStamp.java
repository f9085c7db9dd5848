package io.gatehouse.filters.qlafilter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The {@code date} field of qlafilter lines, {@code yyyy-MM-dd HH:mm:ss} in the JVM's default time zone, formatted
 * once per second and shared by every worker: a line looks up the newest formatted second instead of running a
 * {@link DateTimeFormatter} per statement. Thread-safe without locks: the cache is one immutable value behind a
 * volatile reference, which a worker that sees another second replaces (two workers doing so at once only format
 * twice).
 */
final class DateStamp {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /** One formatted second: whole seconds since the epoch and the ASCII text. */
    private record Second(long epochSecond, byte[] text) {
    }

    private static volatile Second latest = new Second(Long.MIN_VALUE, new byte[0]);

    private DateStamp() {
    }

    /** The date of {@code wallMillis} (epoch milliseconds) as ASCII bytes; the caller must not change them. */
    static byte[] of(long wallMillis) {
        long second = Math.floorDiv(wallMillis, 1000L);
        Second s = latest;
        if (s.epochSecond() != second) {
            s = new Second(second, FORMAT.format(Instant.ofEpochSecond(second)).getBytes(StandardCharsets.US_ASCII));
            // A statement that arrived just before a newer one was logged keeps the newest second cached.
            if (second > latest.epochSecond()) {
                latest = s;
            }
        }
        return s.text();
    }
}
