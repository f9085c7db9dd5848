package io.gatehouse.filters.qlafilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** Bound values of binary-protocol executes written into the prepared text. */
class ExecuteTextTest {
    /** Statement id 1, no cursor, one iteration, then the null bitmap, the new-types flag and the types. */
    private static ByteArrayOutputStream head(int nullBitmap, int... types) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {1, 0, 0, 0, 0, 1, 0, 0, 0, (byte) nullBitmap, 1});
        for (int t : types) {
            b.write(t & 0xFF);
            b.write(t >> 8);
        }
        return b;
    }

    @Test
    void valuesOfEachKindReplaceThePlaceholders() {
        ByteArrayOutputStream b = head(0b0100, 3, 0xFD, 6, 8 | 0x8000, 5, 12);
        b.writeBytes(new byte[] {42, 0, 0, 0});                            // LONG 42
        byte[] s = "it's".getBytes(StandardCharsets.UTF_8);
        b.write(s.length);
        b.writeBytes(s);                                                   // VAR_STRING
        b.writeBytes(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});         // unsigned LONGLONG max
        b.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xF8, 0x3F});   // DOUBLE 1.5
        b.writeBytes(new byte[] {7, (byte) 0xE8, 0x07, 12, 5, 13, 7, 9}); // DATETIME 2024-12-05 13:07:09
        byte[][] types = new byte[1][];
        String sql = "SELECT ?, '?', ? /* ? */, ?, ?, ?, ?";
        assertThat(ExecuteText.render(sql, 6, types, new BitSet(), b.toByteArray()))
                .isEqualTo("SELECT 42, '?', 'it\\'s' /* ? */, NULL, 18446744073709551615, 1.5, '2024-12-05 13:07:09'");
        // A later execute that does not bind types again uses the remembered ones.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        again.writeBytes(new byte[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0b0111110, 0});
        again.writeBytes(new byte[] {7, 0, 0, 0});
        assertThat(ExecuteText.render("SELECT ?, ?, ?, ?, ?, ?", 6, types, new BitSet(), again.toByteArray()))
                .isEqualTo("SELECT 7, NULL, NULL, NULL, NULL, NULL");
    }

    @Test
    void integersOfEachWidthAndSignAndPlaceholderCountsThatDisagree() {
        // TINY -1, unsigned TINY 255, SHORT -2, unsigned LONG 4294967295, signed LONGLONG -3, YEAR 2024
        ByteArrayOutputStream b = head(0, 1, 1 | 0x8000, 2, 3 | 0x8000, 8, 13);
        b.writeBytes(new byte[] {-1, -1, -2, -1, -1, -1, -1, -1});
        b.writeBytes(new byte[] {-3, -1, -1, -1, -1, -1, -1, -1, (byte) 0xE8, 0x07});
        byte[] body = b.toByteArray();
        StringBuilder reused = new StringBuilder("left over");
        byte[][] types = new byte[1][];
        String all = "SELECT ?, ?, ?, ?, ?, ?";
        assertThat(ExecuteText.render(all, ExecuteText.placeholders(all), 6, types, new BitSet(), body, reused))
                .isEqualTo("SELECT -1, 255, -2, 4294967295, -3, 2024");
        byte[] bound = types[0];
        // Fewer placeholders than values: the extra values are read and dropped; more: the rest stay as they are.
        String fewer = "SELECT ?, ?";
        assertThat(ExecuteText.render(fewer, ExecuteText.placeholders(fewer), 6, types, new BitSet(), body, reused))
                .isEqualTo("SELECT -1, 255");
        assertThat(types[0]).as("the same types bound again are kept").isSameAs(bound);
        String more = "SELECT ?, ?, ?, ?, ?, ?, ?, ?";
        assertThat(ExecuteText.render(more, ExecuteText.placeholders(more), 6, types, new BitSet(), body, reused))
                .isEqualTo("SELECT -1, 255, -2, 4294967295, -3, 2024, ?, ?");
        byte[] cut = java.util.Arrays.copyOf(body, body.length - 1);
        assertThat(ExecuteText.render(fewer, ExecuteText.placeholders(fewer), 6, types, new BitSet(), cut, reused))
                .as("a value cut short, even past the last placeholder").isEqualTo(fewer);
    }

    @Test
    void longDataAndShortPacketsKeepPlaceholders() {
        BitSet longData = new BitSet();
        longData.set(0);
        ByteArrayOutputStream b = head(0, 0xFC, 3);
        b.writeBytes(new byte[] {5, 0, 0, 0});
        assertThat(ExecuteText.render("INSERT INTO t VALUES (?, ?)", 2, new byte[1][], longData, b.toByteArray()))
                .isEqualTo("INSERT INTO t VALUES (?, 5)");
        assertThat(ExecuteText.render("SELECT ?", 1, new byte[1][], new BitSet(), new byte[] {1, 0, 0, 0, 0, 1}))
                .isEqualTo("SELECT ?");
        ByteArrayOutputStream cut = head(0, 8);
        cut.writeBytes(new byte[] {1, 2});
        assertThat(ExecuteText.render("SELECT ?", 1, new byte[1][], new BitSet(), cut.toByteArray()))
                .isEqualTo("SELECT ?");
    }

    @Test
    void placeholdersOutsideQuotesAndCommentsAreFoundOnce() {
        String sql = "SELECT '?', \"a?b\", `c?` /* ? */, ? -- ?\n FROM t # ?\n WHERE x = ? AND y = 'it\\'s ?' AND z = ?";
        int[] marks = ExecuteText.placeholders(sql);
        assertThat(marks).hasSize(3);
        for (int m : marks) {
            assertThat(sql.charAt(m)).isEqualTo('?');
        }
        String[] values = {"1", "'two'", "NULL"};
        assertThat(ExecuteText.substitute(sql, marks, values)).isEqualTo("SELECT '?', \"a?b\", `c?` /* ? */, 1 -- ?\n"
                + " FROM t # ?\n WHERE x = 'two' AND y = 'it\\'s ?' AND z = NULL");
        assertThat(ExecuteText.substitute("SELECT ?, ?", ExecuteText.placeholders("SELECT ?, ?"), new String[] {"1"}))
                .as("fewer values than placeholders leave the rest").isEqualTo("SELECT 1, ?");
    }
}
