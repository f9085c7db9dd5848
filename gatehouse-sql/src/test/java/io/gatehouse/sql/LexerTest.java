package io.gatehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {
    private static List<String> lex(String sql, SqlMode mode) {
        byte[] b = sql.getBytes(StandardCharsets.UTF_8);
        Tokens t = new Tokens(4);
        Lexer.lex(b, 0, b.length, mode, Classifier.DEFAULT_SERVER_VERSION, t);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.count; i++) {
            out.add(t.kind(i) + ":" + new String(b, t.start[i], t.end[i] - t.start[i], StandardCharsets.UTF_8));
        }
        if (t.error) {
            out.add("ERROR");
        }
        return out;
    }

    private static List<String> lex(String sql) {
        return lex(sql, SqlMode.DEFAULT);
    }

    @Test
    void stringsWithEveryEscape() {
        assertThat(lex("'a\\'b' 'c''d' \"e\\\"f\" 'g\\\\'")).containsExactly(
                "3:'a\\'b'", "3:'c''d'", "3:\"e\\\"f\"", "3:'g\\\\'");
        assertThat(lex("'a\\' z'", SqlMode.NO_BACKSLASH_ESCAPES)).containsExactly("3:'a\\'", "1:z", "3:'", "ERROR");
        assertThat(lex("\"id\"", SqlMode.ANSI_QUOTES)).containsExactly("2:\"id\"");
        assertThat(lex("`a``b`")).containsExactly("2:`a``b`");
        assertThat(lex("N'x' _utf8mb4'y'")).containsExactly("3:N'x'", "1:_utf8mb4", "3:'y'");
    }

    @Test
    void numbersHexAndBits() {
        assertThat(lex("1 1.5 .5 1e10 1.5E-3 0x1F X'1f' 0b101 b'01' 1abc 0xZZ")).containsExactly(
                "4:1", "4:1.5", "4:.5", "4:1e10", "4:1.5E-3", "5:0x1F", "5:X'1f'", "6:0b101", "6:b'01'", "1:1abc",
                "1:0xZZ");
        assertThat(lex("t.1col")).containsExactly("1:t", "14:.", "1:1col");
    }

    @Test
    void variablesPlaceholdersAndAccounts() {
        assertThat(lex("@a @`b c` @'d' @@x @@global.y @@session.z ? :=")).containsExactly(
                "8:@a", "8:@`b c`", "8:@'d'", "9:@@x", "9:@@global.y", "9:@@session.z", "7:?", "16::=");
        assertThat(lex("'u'@'localhost' root@localhost")).containsExactly(
                "3:'u'", "18:@'localhost'", "1:root", "18:@localhost");
    }

    @Test
    void commentsAreSkippedAndExecutableCommentsAreNot() {
        assertThat(lex("a -- c\nb # c\nc /* c */ d --e")).containsExactly(
                "1:a", "1:b", "1:c", "1:d", "17:-", "17:-", "1:e");
        assertThat(lex("/*!40101 SET */ x /*M!100100 y */ /*!999999 z */"))
                .containsExactly("1:SET", "1:x", "1:y");
        assertThat(lex("/* never closed")).containsExactly("ERROR");
    }

    @Test
    void delimitersAndKeywordsAreRecognised() {
        byte[] b = "select FROM `from` x;".getBytes(StandardCharsets.UTF_8);
        Tokens t = new Tokens(2);
        Lexer.lex(b, 0, b.length, SqlMode.DEFAULT, Classifier.DEFAULT_SERVER_VERSION, t);
        assertThat(t.count).isEqualTo(5);
        assertThat(Keyword.byId(t.keyword[0])).isEqualTo(Keyword.SELECT);
        assertThat(Keyword.byId(t.keyword[1])).isEqualTo(Keyword.FROM);
        assertThat(t.keyword[2]).isZero();
        assertThat(t.keyword[3]).isZero();
        assertThat(t.kind(4)).isEqualTo(Tokens.SEMI);
    }
}
