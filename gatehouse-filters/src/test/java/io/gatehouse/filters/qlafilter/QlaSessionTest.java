package io.gatehouse.filters.qlafilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.filter.ReplyOrigin;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.moduletest.FilterHarness;
import io.gatehouse.moduletest.ModuleParams;
import io.gatehouse.moduletest.TestPackets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qlafilter's files, fields and rules driven through the module test harness the way the core drives a filter:
 * statements in, replies with their origin back, files read after the session closes.
 */
class QlaSessionTest {
    private static final ClientInfo CLIENT = new ClientInfo(7, "app", "127.0.0.1", "shop", "Split-Service");

    private static FilterHarness harness(Path dir, String... params) {
        Map<String, String> p = FilterHarness.params(params);
        p.put("filebase", dir.resolve("qla").toString());
        return FilterHarness.of(new QlaFilterModule(), "QLA", p, CLIENT);
    }

    private static Reply rows(long n) {
        return TestPackets.resultSetReply(TestPackets.COM_QUERY, n);
    }

    @Test
    void sessionFileHasHeaderAndOneLinePerStatement(@TempDir Path dir) throws Exception {
        try (FilterHarness h = harness(dir, "log_data", "service,session,user,query,default_db,num_rows,reply_size,"
                + "num_warnings,error_msg,server,command", "separator", "\"|\"", "newline_replacement", "\" NL \"")) {
            h.query("SELECT 1\nFROM dual");
            h.reply(rows(1), new ReplyOrigin("server2", 55, System.nanoTime()));
            h.query("SELEC oops");
            h.reply(TestPackets.errorReply(TestPackets.COM_QUERY, 1064, "42000", "You have an error"),
                    new ReplyOrigin("server1", 70, 0));
            h.send(TestPackets.command(h.alloc(), 0x0E, new byte[0]));        // COM_PING: not a statement
            h.reply(TestPackets.okReply(0x0E));
        }
        List<String> lines = Files.readAllLines(dir.resolve("qla.7"));
        assertThat(lines).containsExactly(
                "Service|User@Host|Query|Default_db|Num_rows|Reply_size|Num_warnings|Error_msg|Server|Command",
                "Split-Service|app@127.0.0.1|SELECT 1 NL FROM dual|shop|1|55|0||server2|COM_QUERY",
                "Split-Service|app@127.0.0.1|SELEC oops|shop|0|70|0|You have an error|server1|COM_QUERY");
    }

    @Test
    void unifiedFileAppendsWithoutASecondHeader(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 2; round++) {
            try (FilterHarness h = harness(dir, "log_type", "unified", "log_data", "session,query")) {
                h.query("SELECT " + round);
                h.reply(rows(1));
            }
        }
        assertThat(Files.readAllLines(dir.resolve("qla.unified")))
                .containsExactly("Session,Query", "7,SELECT 0", "7,SELECT 1");
        assertThat(Files.exists(dir.resolve("qla.7"))).isFalse();
        try (FilterHarness h = harness(dir, "log_type", "unified", "log_data", "query", "append", "false")) {
            h.query("SELECT 2");
            h.reply(rows(1));
        }
        assertThat(Files.readAllLines(dir.resolve("qla.unified"))).containsExactly("Query", "SELECT 2");
    }

    @Test
    void stdoutGetsTheHeaderAndTheLinesOfEverySession(@TempDir Path dir) throws Exception {
        java.io.PrintStream before = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try (FilterHarness h = harness(dir, "log_type", "stdout", "log_data", "user,query", "separator", "\";\"")) {
            h.query("SELECT 'on stdout'");
            h.reply(rows(1));
        } finally {
            System.setOut(before);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("User@Host;Query", "app@127.0.0.1;SELECT 'on stdout'");
        assertThat(Files.exists(dir.resolve("qla.7"))).as("no session file").isFalse();
        assertThat(Files.exists(dir.resolve("qla.unified"))).as("no unified file").isFalse();
    }

    @Test
    void matchExcludeAndOptions(@TempDir Path dir) throws Exception {
        try (FilterHarness h = harness(dir, "log_data", "query", "match", "/select/", "exclude", "secret",
                "options", "ignorecase")) {
            for (String sql : List.of("SELECT a FROM t", "insert into t values (1)", "select SECRET from t")) {
                h.query(sql);
                h.reply(rows(0));
            }
        }
        assertThat(Files.readAllLines(dir.resolve("qla.7"))).containsExactly("Query", "SELECT a FROM t");
    }

    @Test
    void sessionsOfOtherUsersOrHostsWriteNothing(@TempDir Path dir) throws Exception {
        for (String[] rule : List.of(new String[] {"user", "bob"}, new String[] {"source", "10.0.0.1"},
                new String[] {"user_exclude", "^ap"}, new String[] {"source_match", "^192[.]"})) {
            try (FilterHarness h = harness(dir, rule)) {
                h.query("SELECT 1");
                h.reply(rows(1));
            }
            assertThat(Files.exists(dir.resolve("qla.7"))).as(rule[0]).isFalse();
        }
        try (FilterHarness h = harness(dir, "user", "app", "user_exclude", "^app$", "source_match", "^127")) {
            h.query("SELECT 1");       // user wins over user_exclude
            h.reply(rows(1));
        }
        assertThat(Files.readAllLines(dir.resolve("qla.7"))).hasSize(2);
    }

    @Test
    void preparedStatementsAreLoggedWithTheirText(@TempDir Path dir) throws Exception {
        try (FilterHarness h = harness(dir, "log_data", "query,command")) {
            h.send(TestPackets.command(h.alloc(), TestPackets.COM_STMT_PREPARE,
                    "SELECT c FROM t WHERE id = ?".getBytes(StandardCharsets.UTF_8)));
            h.reply(TestPackets.prepareOkReply(5, 1));
            h.send(TestPackets.command(h.alloc(), TestPackets.COM_STMT_EXECUTE,
                    new byte[] {5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 0, 9, 0, 0, 0}));
            h.reply(TestPackets.resultSetReply(TestPackets.COM_STMT_EXECUTE, 1));
        }
        assertThat(Files.readAllLines(dir.resolve("qla.7"))).containsExactly("Query,Command",
                "SELECT c FROM t WHERE id = ?,COM_STMT_PREPARE", "SELECT c FROM t WHERE id = 9,COM_STMT_EXECUTE");
    }

    @Test
    void canonicalFormTransactionsAndDatabase(@TempDir Path dir) throws Exception {
        try (FilterHarness h = harness(dir, "log_data", "query,default_db,transaction,transaction_time",
                "use_canonical_form", "true", "duration_unit", "us")) {
            h.query("USE other");
            h.reply(TestPackets.okReply(TestPackets.COM_QUERY));
            h.query("BEGIN");
            h.reply(TestPackets.okReply(TestPackets.COM_QUERY));
            h.query("UPDATE t SET a = 'x' WHERE id = 42");
            h.reply(TestPackets.okReply(TestPackets.COM_QUERY));
            h.query("COMMIT");
            h.reply(TestPackets.okReply(TestPackets.COM_QUERY));
        }
        List<String> lines = Files.readAllLines(dir.resolve("qla.7"));
        assertThat(lines.subList(0, 4)).containsExactly("Query,Default_db,Transaction,Transaction_time",
                "USE other,other,,", "BEGIN,other,BEGIN,", "UPDATE t SET a = ? WHERE id = ?,other,,");
        assertThat(lines.get(4)).matches("COMMIT,other,COMMIT,\\d+");
    }

    @Test
    void nonAsciiAndMalformedStatementsAreLoggedAsUtf8Text(@TempDir Path dir) throws Exception {
        try (FilterHarness h = harness(dir, "log_data", "query,default_db", "newline_replacement", "\" \"")) {
            h.send(TestPackets.command(h.alloc(), TestPackets.COM_QUERY,
                    "SELECT 'żółw'\n, '€'".getBytes(StandardCharsets.UTF_8)));
            h.reply(rows(1));
            h.send(TestPackets.command(h.alloc(), TestPackets.COM_QUERY, new byte[] {'S', 'E', 'L', (byte) 0xC3}));
            h.reply(rows(1));
            h.query("  use shop2");
            h.reply(TestPackets.okReply(TestPackets.COM_QUERY));
            h.query("SELECT 2");
            h.reply(rows(1));
        }
        assertThat(Files.readAllLines(dir.resolve("qla.7"), StandardCharsets.UTF_8)).containsExactly("Query,Default_db",
                "SELECT 'żółw' , '€',shop", "SEL\uFFFD,shop", "  use shop2,shop2", "SELECT 2,shop2");
    }

    @Test
    void timesAndDate(@TempDir Path dir) throws Exception {
        try (FilterHarness h = harness(dir, "log_data", "date,reply_time,total_reply_time")) {
            h.query("SELECT SLEEP(0.05)");
            Thread.sleep(30);
            h.reply(rows(1), new ReplyOrigin("server1", 10, System.nanoTime()));
        }
        String line = Files.readAllLines(dir.resolve("qla.7")).get(1);
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d+,\\d+");
        String[] f = line.split(",");
        assertThat(Long.parseLong(f[1])).isGreaterThanOrEqualTo(30);
        assertThat(Long.parseLong(f[2])).isGreaterThanOrEqualTo(Long.parseLong(f[1]));
    }

    @Test
    void badValuesAreRefusedNamingTheParameter(@TempDir Path dir) {
        QlaFilterModule m = new QlaFilterModule();
        assertThatThrownBy(() -> ModuleParams.of(m.descriptor(), "QLA",
                Map.of("filebase", dir.resolve("q").toString(), "log_data", "date,colour")))
                .hasMessageContaining("log_data").hasMessageContaining("date,colour");
        assertThatThrownBy(() -> ModuleParams.of(m.descriptor(), "QLA",
                Map.of("filebase", dir.resolve("q").toString(), "duration_unit", "hours")))
                .hasMessageContaining("duration_unit");
        assertThatThrownBy(() -> m.validate(ModuleParams.of(m.descriptor(), "QLA",
                Map.of("filebase", dir.resolve("missing/q").toString()))))
                .hasMessageContaining("[QLA] filebase").hasMessageContaining("missing/q");
    }

    @Test
    void schemaFromSessionTrack() {
        byte[] track = {1, 6, 5, 's', 'h', 'o', 'p', '2'};
        assertThat(QlaSession.trackedSchema(track)).isEqualTo("shop2");
        assertThat(QlaSession.trackedSchema(new byte[] {0, 2, 1, 'x'})).isNull();
        assertThat(QlaSession.trackedSchema(new byte[] {1, (byte) 0xFC})).isNull();
    }
}
