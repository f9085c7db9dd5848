package io.gatehouse.filters.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.moduletest.ModuleParams;
import io.gatehouse.moduletest.TestPackets;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.sql.Classifier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firewall without a server: learning then enforcing per user@host, allow and deny rules by user, host,
 * operation, type and digest, the documents the admin API edits (refusals name the field and change nothing), the
 * rules file surviving the filter, and a mode change reaching sessions already open. JUnit thread.
 */
class FirewallFilterUnitTest {
    private static final String INJECTED = "SELECT c FROM sbtest1 WHERE id = 1 UNION SELECT user, password FROM mysql.user";
    private final FirewallModule module = new FirewallModule();
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    private final SessionSqlState sqlState = new SessionSqlState(List.of());
    private final java.util.List<Filter> open = new java.util.ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeFilters() {
        open.forEach(Filter::close);
    }

    private Filter filter(String mode) {
        Filter f = module.create("FW", ModuleParams.of(module.descriptor(), "FW",
                Map.of("mode", mode, "directory", dir.toString())));
        open.add(f);
        return f;
    }

    private static FilterSession session(Filter f, String user, String host) {
        return f.newSession(new ClientInfo(1, user, host, null));
    }

    /** Null when the statement may run, else the ERR the client would get. */
    private ErrPacket send(FilterSession s, String sql) {
        ByteBuf packet = TestPackets.query(alloc, sql);
        try {
            ByteBuf answer = s.answer(new Command(packet, sqlState), alloc);
            if (answer == null) {
                return null;
            }
            try {
                return ErrPacket.decode(answer.slice(4, answer.readableBytes() - 4));
            } finally {
                answer.release();
            }
        } finally {
            packet.release();
        }
    }

    private static String digest(String sql) {
        return Digests.format(new Classifier().classify(sql).digest());
    }

    @Test
    void learnsPerUserAndHostThenRefusesTheRestNamingTheDigest() {
        Filter learning = filter("learning");
        FilterSession app = session(learning, "app", "10.0.0.5");
        assertThat(send(app, "SELECT c FROM sbtest1 WHERE id = 1")).isNull();
        assertThat(send(app, "UPDATE sbtest1 SET k = k + 1 WHERE id = 3")).isNull();
        assertThat(send(app, INJECTED)).as("learning lets everything through").isNull();
        assertThat(learning.readDocument("learned")).asList().hasSize(3);
        learning.removeFromDocument("learned", Map.of("digest", digest(INJECTED)));
        assertThat(learning.readDocument("learned")).asList().hasSize(2);

        Filter enforcing = filter("enforcing");
        assertThat(send(app, "SELECT c FROM sbtest1 WHERE id = 77")).as("the open session follows the new mode")
                .isNull();
        FilterSession fresh = session(enforcing, "app", "10.0.0.5");
        assertThat(send(fresh, "SELECT  c FROM sbtest1\n WHERE id = 99 -- another literal")).isNull();
        assertThat(send(fresh, "UPDATE sbtest1 SET k = k + 1 WHERE id = 8")).isNull();
        ErrPacket err = send(fresh, INJECTED);
        assertThat(err).isNotNull();
        assertThat(err.code()).isEqualTo(FirewallSession.REFUSED_CODE);
        assertThat(err.sqlState()).isEqualTo("42000");
        assertThat(err.message()).contains("Firewall FW refused statement digest " + digest(INJECTED))
                .contains("'app'@'10.0.0.5'").contains("no rule or learned digest allows it")
                .contains("UNION SELECT");
        assertThat(send(session(enforcing, "app", "10.0.0.6"), "SELECT c FROM sbtest1 WHERE id = 1"))
                .as("learned digests belong to one user@host").isNotNull();
        assertThat(send(session(enforcing, "other", "10.0.0.5"), "SELECT c FROM sbtest1 WHERE id = 1")).isNotNull();
        assertThat(enforcing.diagnostics()).containsEntry("mode", "enforcing").containsEntry("learned_digests", 2)
                .containsEntry("refused_statements", 3L);

        Filter off = filter("off");
        assertThat(send(fresh, INJECTED)).as("off lets everything through").isNull();
        assertThat(off.readDocument("learned")).asList().as("and learns nothing").hasSize(2);
    }

    @Test
    void allowAndDenyRulesByUserHostClassAndDigest() {
        Filter f = filter("enforcing");
        f.writeDocument("rules", List.of(
                Map.of("action", "allow", "user", "rep%", "operation", "SELECT"),
                Map.of("action", "allow", "host", "192.168.1._", "type", "WRITE"),
                Map.of("action", "deny", "digest", digest(INJECTED), "note", "injection")), true);
        FilterSession report = session(f, "reporter", "10.1.1.1");
        assertThat(send(report, "SELECT * FROM anything WHERE x = 'y'")).isNull();
        assertThat(send(report, "DELETE FROM anything")).isNotNull();
        ErrPacket denied = send(report, INJECTED);
        assertThat(denied.message()).contains("a deny rule matches it");
        FilterSession writer = session(f, "app", "192.168.1.7");
        assertThat(send(writer, "INSERT INTO t VALUES (1)")).isNull();
        assertThat(send(writer, "SELECT 1")).isNotNull();
        assertThat(send(session(f, "app", "192.168.1.70"), "INSERT INTO t VALUES (1)")).as("_ is one character")
                .isNotNull();

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rules = (List<Map<String, Object>>) f.readDocument("rules");
        assertThat(rules).extracting(r -> r.get("id")).containsExactly(1L, 2L, 3L);
        assertThat(rules.get(2)).containsEntry("action", "deny").containsEntry("note", "injection")
                .containsEntry("digest", digest(INJECTED));
        f.removeFromDocument("rules", Map.of("id", "3"));
        assertThat(send(report, INJECTED)).as("a removed deny rule no longer refuses").isNull();
        f.writeDocument("rules", Map.of("action", "deny", "user", "reporter"), false);
        assertThat(send(report, "SELECT 1")).as("deny wins over allow").isNotNull();
    }

    @Test
    void badEditsAreRefusedNamingTheFieldAndChangeNothing() {
        Filter f = filter("enforcing");
        f.writeDocument("rules", List.of(Map.of("action", "allow", "user", "app")), true);
        assertThatThrownBy(() -> f.writeDocument("rules", List.of(Map.of("action", "allow"),
                Map.of("action", "maybe")), false)).hasMessageContaining("action: 'maybe' (expected: allow or deny)");
        assertThatThrownBy(() -> f.writeDocument("rules", Map.of("action", "deny", "operation", "SELEKT"), true))
                .hasMessageContaining("operation: 'SELEKT'");
        assertThatThrownBy(() -> f.writeDocument("rules", Map.of("action", "deny", "type", "READ|NOPE"), true))
                .hasMessageContaining("type: 'NOPE'");
        assertThatThrownBy(() -> f.writeDocument("rules", Map.of("action", "deny", "digest", "xyz"), true))
                .hasMessageContaining("digest: 'xyz'");
        assertThatThrownBy(() -> f.writeDocument("rules", Map.of("action", "deny", "colour", "red"), true))
                .hasMessageContaining("unknown field 'colour'");
        assertThatThrownBy(() -> f.writeDocument("learned", List.of(Map.of("user", "app")), true))
                .hasMessageContaining("host");
        assertThatThrownBy(() -> f.removeFromDocument("rules", Map.of("id", "42")))
                .hasMessageContaining("id: '42'");
        assertThatThrownBy(() -> f.removeFromDocument("learned", Map.of("colour", "red")))
                .hasMessageContaining("colour");
        assertThatThrownBy(() -> f.readDocument("nope")).hasMessageContaining("nope");
        assertThat(f.readDocument("rules")).asList().hasSize(1);
    }

    @Test
    void rulesAndLearnedDigestsSurviveTheFilter() throws Exception {
        Filter first = filter("learning");
        send(session(first, "app", "127.0.0.1"), "SELECT c FROM sbtest1 WHERE id = 1");
        first.writeDocument("rules", Map.of("action", "allow", "user", "admin", "note", "operators"), true);
        first.close();
        Path file = dir.resolve(FirewallModule.FILE);
        assertThat(Files.readString(file)).contains(digest("SELECT c FROM sbtest1 WHERE id = 1"))
                .contains("operators");
        assertThat(Files.list(dir)).as("no temporary file left").containsExactly(file);

        Filter again = filter("enforcing");
        assertThat(send(session(again, "app", "127.0.0.1"), "SELECT c FROM sbtest1 WHERE id = 5")).isNull();
        assertThat(send(session(again, "admin", "127.0.0.1"), "SHOW DATABASES")).isNull();
        assertThat(send(session(again, "app", "127.0.0.1"), "SHOW DATABASES")).isNotNull();

        again.close();
        open.clear();
        Files.writeString(file, "{ not json");
        assertThatThrownBy(() -> filter("enforcing")).hasMessageContaining(file.toString());
    }

    @Test
    void withoutADirectoryTheHarnessCreateIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> module.create("FW", ModuleParams.of(module.descriptor(), "FW", Map.of())))
                .hasMessageContaining("[FW] directory");
        Filter viaCore = module.create("FW", ModuleParams.of(module.descriptor(), "FW", Map.of()), dir.resolve("FW"));
        open.add(viaCore);
        assertThat(viaCore.diagnostics().get("rules_file")).isEqualTo(dir.resolve("FW/firewall.json").toString());
    }
}
