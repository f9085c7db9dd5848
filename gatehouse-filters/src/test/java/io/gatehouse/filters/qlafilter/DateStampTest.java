package io.gatehouse.filters.qlafilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** The cached date of qlafilter lines is the formatter's text for every millisecond, in any order of seconds. */
class DateStampTest {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private static void check(long millis) {
        assertThat(new String(DateStamp.of(millis), StandardCharsets.US_ASCII)).as("%d", millis)
                .isEqualTo(FORMAT.format(Instant.ofEpochMilli(millis)));
    }

    @Test
    void eachSecondIsFormattedAsTheFormatterDoes() {
        long base = 1_796_538_600_000L;
        // Within a second, across a boundary, back to the previous second, far back and forth, before 1970.
        for (long millis : new long[] {base, base + 999, base + 1000, base + 998, base + 1001, base - 86_400_000L,
                base + 2500, base + 1999, base + 2000, -1, -1000, -1001, 0}) {
            check(millis);
        }
    }
}
