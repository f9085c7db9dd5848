package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's {@code connection_init_sql_file} against a real server: its statements set the session up before the
 * client's first command (a user variable and the session sql_mode), on new connections and on pooled ones handed
 * to a new session; other listeners of the same service are untouched; a failing statement refuses the session.
 * JUnit test thread; blocking clients own no Netty buffers.
 */
class ConnectionInitSqlTest {
    @TempDir
    static Path dir;
    static MariaDbServer server;
    static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        server = MariaDbServer.startStandalone(null, "initsql", 92);
        Files.writeString(dir.resolve("init.sql"), "SET @init_marker = 'from-file'\n\n  SET SESSION sql_mode = 'ANSI_QUOTES'  \n");
        Files.writeString(dir.resolve("bad.sql"), "SET @ok = 1\nSET SESSION no_such_variable = 1\n");
        String svc = "type=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, "[maxscale]\nthreads=1\nadmin_enabled=false\nlogdir=" + dir + "\npiddir=" + dir
                + "\ndatadir=" + dir + "\npersistdir=" + dir + "/persist\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + server.port() + "\n\n"
                + "[pooled]\ntype=server\naddress=127.0.0.1\nport=" + server.port() + "\npersistpoolmax=4\npersistmaxtime=60s\n\n"
                + "[Svc]\n" + svc
                + "[PoolSvc]\n" + svc.replace("servers=db", "servers=pooled")
                + "[Init]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\nconnection_init_sql_file="
                + dir.resolve("init.sql") + "\n\n"
                + "[Plain]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n\n"
                + "[Bad]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\nconnection_init_sql_file="
                + dir.resolve("bad.sql") + "\n\n"
                + "[PoolInit]\ntype=listener\nservice=PoolSvc\naddress=127.0.0.1\nport=0\nconnection_init_sql_file="
                + dir.resolve("init.sql") + "\n");
        gatehouse = Gatehouse.start(file);
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static BlockingClient connect(String listener) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gatehouse.port(listener), Accounts.APP_USER,
                Accounts.APP_PASSWORD).withTimeouts(Duration.ofSeconds(10)).withDatabase(Accounts.DATABASE));
    }

    @Test
    void theStatementsRunBeforeTheClientsFirstCommand() throws Exception {
        try (BlockingClient c = connect("Init")) {
            assertThat(c.query("SELECT @init_marker").scalar()).isEqualTo("from-file");
            assertThat(c.query("SELECT @@session.sql_mode").scalar()).isEqualTo("ANSI_QUOTES");
        }
        try (BlockingClient c = connect("Plain")) {
            assertThat(c.query("SELECT @init_marker").scalar()).isNull();
            assertThat(c.query("SELECT @@session.sql_mode").scalar()).isNotEqualTo("ANSI_QUOTES");
        }
    }

    @Test
    void aPooledConnectionRunsThemAgainForItsNextSession() throws Exception {
        // Every session sees the file's statements, whether its connection is new or was another session's; the
        // pool resets a connection between sessions, so only running them again explains the marker.
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            try (BlockingClient c = connect("PoolInit")) {
                long threadId = Long.parseLong(c.query("SELECT CONNECTION_ID()").scalar());
                assertThat(c.query("SELECT @init_marker").scalar()).as("session " + i).isEqualTo("from-file");
                c.query("SET @init_marker = 'changed by the session'");
                if (!seen.add(threadId)) {
                    return;                               // a pooled connection served this session
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no pooled connection was handed to a new session: " + seen);
    }

    @Test
    void aFailingStatementRefusesTheSessionAndOthersKeepWorking() throws Exception {
        assertThatThrownBy(() -> {
            try (BlockingClient c = connect("Bad")) {
                c.query("SELECT 1");
            }
        }).hasMessageContaining("connection_init_sql_file").hasMessageContaining("no_such_variable");
        try (BlockingClient c = connect("Init")) {
            assertThat(c.query("SELECT @init_marker").scalar()).isEqualTo("from-file");
        }
    }
}
