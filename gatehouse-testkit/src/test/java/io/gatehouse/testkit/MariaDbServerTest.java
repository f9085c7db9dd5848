package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MariaDbExtension.class)
class MariaDbServerTest {

    @Test
    void standaloneServerAnswersOnItsSocketAndPort(MariaDbServer server) {
        assertThat(server.isRunning()).isTrue();
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.execute("SELECT 1 + 1")).isEqualTo("2\n");
        assertThat(server.queryValue("SELECT @@port")).isEqualTo(Integer.toString(server.port()));
        assertThat(server.query("SHOW DATABASES LIKE 'test'")).containsExactly(List.of("test"));
        assertThat(TcpClient.currentUser(server, Accounts.APP_USER, Accounts.APP_PASSWORD)).isEqualTo("app@%");
        assertThat(server.query("SELECT @@read_only, @@log_bin, @@gtid_strict_mode, @@binlog_format"))
                .containsExactly(List.of("0", "1", "1", "ROW"));
    }

    @Test
    void queryParsesNullsEmptyStringsAndEscapedCharacters(MariaDbServer server) {
        List<List<String>> rows = server.query("SELECT NULL, '', 'a\\tb', 'line\\nbreak', 'back\\\\slash'"
                + " UNION ALL SELECT 'x', 'y', 'z', 'w', 'v'");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactly(null, "", "a\tb", "line\nbreak", "back\\slash");
        assertThat(rows.get(1)).containsExactly("x", "y", "z", "w", "v");
        assertThat(server.query("SELECT 1 FROM DUAL WHERE 1 = 0")).isEmpty();
    }

    @Test
    void failedSqlThrowsWithTheServerError(MariaDbServer server) {
        assertThatThrownBy(() -> server.execute("SELECT * FROM test.no_such_table"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no_such_table")
                .hasMessageContaining("doesn't exist");
    }

    @Test
    void cleanStopAndStartKeepsDataAndPort(MariaDbServer server) {
        server.execute("CREATE OR REPLACE TABLE test.survives (id INT PRIMARY KEY) ENGINE=InnoDB;"
                + " INSERT INTO test.survives VALUES (7)");
        int port = server.port();
        server.stop();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> server.execute("SELECT 1")).hasMessageContaining("not running");
        server.start();
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.queryValue("SELECT id FROM test.survives")).isEqualTo("7");
    }

    @Test
    void generalLogIsOffUntilTurnedOn(MariaDbServer server) throws Exception {
        assertThat(server.queryValue("SELECT @@general_log")).isEqualTo("0");
        server.setGeneralLog(true);
        try {
            server.execute("SELECT 'general-log-marker'");
        } finally {
            server.setGeneralLog(false);
        }
        assertThat(Files.readString(server.generalLog())).contains("general-log-marker");
    }

    @Test
    void closeRemovesTheProcessAndTheDirectory() throws Exception {
        MariaDbServer own = MariaDbServer.startStandalone();
        long pid = own.pid();
        var dir = own.dataDir().getParent();
        assertThat(Files.isDirectory(dir)).isTrue();
        own.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(dir)).isFalse();
        assertThat(Arrays.asList(own.name(), Boolean.toString(own.isRunning()))).containsExactly("server1", "false");
    }
}
