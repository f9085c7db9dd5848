package io.gatehouse.filters.qlafilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte form of qlafilter lines must be what the String form was when a Writer encoded it: UTF-8 as
 * {@link String#getBytes} makes it, numbers as {@link Long#toString}, newlines replaced the same way in text and in
 * raw statement bytes.
 */
class LineBufferTest {
    private static String written(LineBuffer b) {
        return new String(Arrays.copyOf(b.array(), b.length()), StandardCharsets.UTF_8);
    }

    @Test
    void textIsEncodedAsStringGetBytesEncodesIt() {
        Random random = new Random(18);
        char[] alphabet = {'a', 'Z', '0', ' ', '\n', 'é', 'ß', '€', '中', '\uD83D', '\uDE00', '\uDC00', '\uFFFF', 0};
        for (int round = 0; round < 2_000; round++) {
            char[] chars = new char[random.nextInt(40)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(chars);
            LineBuffer b = new LineBuffer();
            b.text(s);
            assertThat(Arrays.copyOf(b.array(), b.length())).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void numbersAreWrittenAsLongToStringWritesThem() {
        for (long v : new long[] {0, 7, 10, 99, 100, -1, -10, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            LineBuffer b = new LineBuffer();
            b.number(v);
            assertThat(written(b)).isEqualTo(Long.toString(v));
        }
    }

    @Test
    void newlinesAreReplacedAlikeInTextAndInBytes() {
        byte[] nl = " NL ".getBytes(StandardCharsets.UTF_8);
        String sql = "SELECT 1\r\nFROM t\rWHERE a = 'x'\n\n";
        String expected = "SELECT 1 NL FROM t NL WHERE a = 'x' NL  NL ";
        LineBuffer text = new LineBuffer();
        text.sql(sql, nl);
        LineBuffer bytes = new LineBuffer();
        byte[] raw = sql.getBytes(StandardCharsets.US_ASCII);
        bytes.sql(raw, raw.length, nl);
        assertThat(written(text)).isEqualTo(expected);
        assertThat(written(bytes)).isEqualTo(expected);
        LineBuffer kept = new LineBuffer();
        kept.sql(raw, raw.length, new byte[0]).sql("ü\n", new byte[0]);
        assertThat(written(kept)).isEqualTo(sql + "ü\n");
    }

    @Test
    void aBufferGrownByAHugeLineShrinksWhenReused() {
        LineBuffer b = LineBuffer.forThisThread();
        b.add(new byte[200_000]);
        assertThat(b.array().length).isGreaterThanOrEqualTo(200_000);
        assertThat(LineBuffer.forThisThread().array().length).isLessThan(200_000);
        assertThat(LineBuffer.forThisThread().length()).isZero();
    }
}
