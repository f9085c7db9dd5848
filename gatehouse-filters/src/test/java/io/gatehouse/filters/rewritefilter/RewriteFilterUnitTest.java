package io.gatehouse.filters.rewritefilter;

import static io.gatehouse.moduletest.FilterHarness.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.moduletest.FilterHarness;
import io.gatehouse.moduletest.ModuleParams;
import io.gatehouse.moduletest.TestPackets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates in both file formats, native placeholders and regex grammars, the options, and refused files. */
class RewriteFilterUnitTest {
    private final RewriteFilterModule module = new RewriteFilterModule();
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private FilterHarness harness(Path file, String... more) {
        Map<String, String> p = params(more);
        p.put("template_file", file.toString());
        return FilterHarness.of(module, "R", p, FilterHarness.client("127.0.0.1"));
    }

    @Test
    void nativePlaceholdersGrabAndReplaceTheWholeStatement() throws Exception {
        Path f = file("t.rf", """
                # the documentation's do-nothing entry, then real ones
                %%
                regex_grammar: Native
                case_sensitive: true
                what_if: false
                continue_if_matched: false
                ignore_whitespace: true
                %
                @{1:^}select @{2} from my_table where id = @{3}
                %
                select @{2} from my_table where id = @{3}

                %%
                %
                @{1:^}select count(distinct @{2}) from @{3}
                %
                select count(*) from (select distinct @{2} from @{3}) as t123

                %%
                %
                @{1:^}select @{2}, count(*) from @{3} group by @{2}
                %
                select @{2}, count(*) AS n from @{3} group by @{2}

                %%
                %
                @{1:^}select zip from address_book where str_id = @{4:["]}@{2:[[:digit:]]+}@{3:["]}
                %
                select zip from address_book where id = @{2}
                """);
        try (FilterHarness h = harness(f)) {
            assertThat(h.query("select id, name from my_table where id = 42").sql())
                    .isEqualTo("select id, name from my_table where id = 42");
            assertThat(h.query("select count(distinct author) from books where entity != \"AI\"").sql())
                    .isEqualTo("select count(*) from (select distinct author from books where entity != \"AI\") as t123");
            // ignore_whitespace: the amount and kind of whitespace does not matter where the template has some.
            assertThat(h.query("select  count(distinct\n a)   from b").sql())
                    .isEqualTo("select count(*) from (select distinct a from b) as t123");
            // A repeated placeholder must grab the same text again.
            assertThat(h.query("select a, count(*) from t group by a").sql())
                    .isEqualTo("select a, count(*) AS n from t group by a");
            assertThat(h.query("select a, count(*) from t group by b").sql())
                    .isEqualTo("select a, count(*) from t group by b");
            // A placeholder regex, with a POSIX class.
            assertThat(h.query("select zip from address_book where str_id = \"1234\"").sql())
                    .isEqualTo("select zip from address_book where id = 1234");
            assertThat(h.query("select zip from address_book where str_id = \"AZ-12\"").sql())
                    .isEqualTo("select zip from address_book where str_id = \"AZ-12\"");
            // case_sensitive defaults to true.
            assertThat(h.query("SELECT COUNT(DISTINCT a) FROM b").sql()).isEqualTo("SELECT COUNT(DISTINCT a) FROM b");
            assertThat(h.filter().diagnostics()).containsEntry("templates", 4).containsEntry("rewritten", 4L);
        }
    }

    @Test
    void aPartialTemplateMatchesInsideTheStatementAndWhitespaceCanBeExact() throws Exception {
        Path f = file("t.rf", """
                %%
                case_sensitive: false
                %
                from mytable
                %
                from mytable force index (myindex)
                %%
                ignore_whitespace: false
                %
                @{1:^}select @{2} from t where id=@{3}
                %
                select @{2} from t where id = @{3} + 1
                """);
        try (FilterHarness h = harness(f)) {
            // The automatic placeholders around a partial template cannot be used, so the rest is lost: the doc's warning.
            assertThat(h.query("SELECT name FROM MyTable where id=42").sql()).isEqualTo("from mytable force index (myindex)");
            assertThat(h.query("select a from t where id=1").sql()).isEqualTo("select a from t where id = 1 + 1");
            assertThat(h.query("select a from t where id = 1").sql()).isEqualTo("select a from t where id = 1");
        }
    }

    @Test
    void regexGrammarsScanAndReplaceAndContinueIfMatchedChains() throws Exception {
        Path f = file("t.rf", """
                %%
                regex_grammar: EPosix
                continue_if_matched: true
                %
                wrong_table_name
                %
                correct_table_name
                %%
                regex_grammar: EPosix
                %
                wrong_column_name
                %
                correct_column_name
                %%
                regex_grammar: ECMAScript
                case_sensitive: false
                %
                \\bNVL\\(([[:alnum:]_]+), *
                %
                IFNULL($1, [$&] $$
                %%
                regex_grammar: Posix
                %
                SLEEP(\\([0-9]*\\))
                %
                SLEEP(0) /* was $1 */
                """);
        try (FilterHarness h = harness(f)) {
            assertThat(h.query("select wrong_column_name from wrong_table_name join wrong_table_name w").sql())
                    .isEqualTo("select correct_column_name from correct_table_name join correct_table_name w");
            // A template that does not match passes the statement on to the next one.
            assertThat(h.query("select wrong_column_name from x").sql()).isEqualTo("select correct_column_name from x");
            assertThat(h.query("select nvl(a, 0), NVL(b,1)").sql())
                    .isEqualTo("select IFNULL(a, [nvl(a, ] $0), IFNULL(b, [NVL(b,] $1)");
            assertThat(h.query("select sleep(5)").sql()).isEqualTo("select sleep(5)");
            // Posix is the basic grammar: \\( \\) group, a bare parenthesis is literal.
            assertThat(h.query("select SLEEP(5)").sql()).isEqualTo("select SLEEP(0) /* was 5 */");
        }
    }

    @Test
    void theJsonFormatAndTheSectionDefaults() throws Exception {
        Path f = file("t.json", """
                { "templates" : [
                    { "case_sensitive" : false,
                      "match_template" : "@{1:^}select @{2} from mytable where user = @{3}",
                      "replace_template" : "select @{2} from mytable where user = @{3}\\nand @{3} in (select user from approved_users)" },
                    { "regex_grammar": "EGrep", "match_template": "\\"x\\"", "replace_template": "'y'" }
                ] }
                """);
        try (FilterHarness h = harness(f, "case_sensitive", "true")) {
            assertThat(h.query("SELECT a FROM mytable WHERE user = 'bob'").sql())
                    .isEqualTo("select a from mytable where user = 'bob'\nand 'bob' in (select user from approved_users)");
            assertThat(h.query("select \"x\"").sql()).isEqualTo("select 'y'");
        }
        // The section's regex_grammar and case_sensitive are the defaults of every template.
        Path rf = file("d.rf", "%%\n%\nfoo+\n%\nbar\n");
        try (FilterHarness h = harness(rf, "regex_grammar", "ECMAScript", "case_sensitive", "false")) {
            assertThat(h.query("select FOOO, fo").sql()).isEqualTo("select bar, fo");
        }
    }

    @Test
    void whatIfOnlyLogsAndOtherCommandsPassUntouched() throws Exception {
        Path f = file("t.rf", "%%\nwhat_if: true\n%\n@{1:^}select 1\n%\nselect 2\n");
        try (FilterHarness h = harness(f, "log_replacement", "true")) {
            assertThat(h.query("select 1").sql()).isEqualTo("select 1");
            var ping = h.send(TestPackets.command(h.alloc(), 0x0e, new byte[0]));
            assertThat(ping.packet().readableBytes()).isEqualTo(5);
            assertThat(h.filter().diagnostics()).containsEntry("rewritten", 0L);
        }
    }

    @Test
    void brokenFilesAreRefusedWithTheirLine() throws Exception {
        assertRefused(file("a.rf", "select 1\n"), "a.rf:1", "expected: '%%'");
        assertRefused(file("b.rf", "%%\ncase_sensitive : true\n%\na\n%\nb\n"), "b.rf:2", "colon right after");
        assertRefused(file("c.rf", "%%\nwhat_if: perhaps\n%\na\n%\nb\n"), "c.rf:2", "what_if: 'perhaps'");
        assertRefused(file("d.rf", "%%\nspeed: fast\n%\na\n%\nb\n"), "d.rf:2", "unknown option 'speed'");
        assertRefused(file("e.rf", "%%\n%\nselect @{1}\n"), "e.rf:1", "no replace part");
        assertRefused(file("f.rf", "%%\n%\nselect @{1}\n%\nselect @{2}\n"), "f.rf:1", "@{2}");
        assertRefused(file("g.rf", "%%\n%\nselect @{1:(a}\n%\nx\n"), "@{1:(a}");
        assertRefused(file("h.rf", "%%\nregex_grammar: EPosix\n%\n(a\n%\nx\n"), "EPosix");
        assertRefused(file("i.rf", "%%\nregex_grammar: Perl\n%\na\n%\nx\n"), "regex_grammar: 'Perl'");
        assertRefused(file("j.json", "{\"templates\": [{\"match_template\": \"a\"}]}"), "template 1",
                "replace_template");
        assertRefused(file("k.json", "{\"templates\": ["), "not valid JSON");
        assertRefused(file("l.txt", "%%\n%\na\n%\nb\n"), "expected: a .rf or .json file");
        assertRefused(dir.resolve("missing.rf"), "cannot read");
        Path ok = file("ok.rf", "%%\n%\na\n%\nb\n");
        assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "R",
                params("template_file", ok.toString(), "regex_grammar", "Perl"))))
                .hasMessageContaining("[R] regex_grammar: 'Perl'");
    }

    @Test
    void theFileIsReadAgainWhenTheFilterIsMadeAgain() throws Exception {
        Path f = file("t.rf", "%%\n%\n@{1:^}select 1\n%\nselect 2\n");
        try (FilterHarness h = harness(f)) {
            assertThat(h.query("select 1").sql()).isEqualTo("select 2");
            Files.writeString(f, "%%\n%\n@{1:^}select 1\n%\nselect 3\n");
            assertThat(h.query("select 1").sql()).as("a made filter keeps its templates").isEqualTo("select 2");
        }
        try (FilterHarness h = harness(f)) {
            assertThat(h.query("select 1").sql()).isEqualTo("select 3");
        }
    }

    private void assertRefused(Path file, String... parts) {
        var refusal = assertThatThrownBy(() -> module.validate(ModuleParams.of(module.descriptor(), "R",
                params("template_file", file.toString()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[R] template_file: '" + file + "'");
        for (String p : parts) {
            refusal.hasMessageContaining(p);
        }
    }
}
