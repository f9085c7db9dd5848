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

    /**
     * The newest formatted second and the one before it: lines are written in reply order, so a statement that
     * arrived just before a second began can be logged after one that arrived in the new second.
     */
    private record Seconds(long epochSecond, byte[] text, long previousSecond, byte[] previousText) {
    }

    private static volatile Seconds latest = new Seconds(Long.MIN_VALUE, new byte[0], Long.MIN_VALUE, new byte[0]);

    private DateStamp() {
    }

    /** The date of {@code wallMillis} (epoch milliseconds) as ASCII bytes; the caller must not change them. */
    static byte[] of(long wallMillis) {
        long second = Math.floorDiv(wallMillis, 1000L);
        Seconds s = latest;
        if (s.epochSecond() == second) {
            return s.text();
        }
        if (s.previousSecond() == second) {
            return s.previousText();
        }
        byte[] text = FORMAT.format(Instant.ofEpochSecond(second)).getBytes(StandardCharsets.US_ASCII);
        if (second > s.epochSecond()) {
            latest = new Seconds(second, text, s.epochSecond(), s.text());
        }
        return text;
    }
}
