package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.Accounts;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend's request for the password in clear ({@code mysql_clear_password}) is answered only under
 * clear_pw_passthrough, and without TLS to that backend only when {@code clear_pw_without_tls=true} allows it; a
 * password Gatehouse learnt from a caching_sha2_password login is not handed over otherwise. The backend account
 * {@code ctu2}@127.0.0.1 (Gatehouse's address towards the server) uses the server's cleartext plugin, while the
 * client's account {@code ctu2}@127.0.0.5 is native with the same password. Real server and clients; the test thread.
 */
class BackendClearPasswordTest {
    @TempDir
    static Path dir;
    static AuthTestBed bed;

    @BeforeAll
    static void start() throws Exception {
        bed = AuthTestBed.start(dir, "cleardb", 85,
                "CREATE USER 'ctu2'@'127.0.0.1' IDENTIFIED VIA cleartext_plugin_server USING 'ct2pwd';"
                        + "GRANT SELECT ON test.* TO 'ctu2'@'127.0.0.1';"
                        + "CREATE USER 'ctu2'@'127.0.0.5' IDENTIFIED BY 'ct2pwd';"
                        + "GRANT SELECT ON test.* TO 'ctu2'@'127.0.0.5';",
                "max_auth_errors_until_block=0",
                AuthTestBed.listener("MySQL8", "Svc8", "")
                        + AuthTestBed.listener("Clear", "Svc", "authenticator_options=clear_pw_passthrough=true")
                        + AuthTestBed.listener("ClearPlain", "Svc",
                        "authenticator_options=clear_pw_passthrough=true,clear_pw_without_tls=true"));
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void aPasswordLearntFromCachingSha2IsNotSentInClearWithoutPassthrough() {
        String url = "jdbc:mysql://127.0.0.1:" + bed.port("MySQL8") + "/" + Accounts.DATABASE
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&defaultAuthenticationPlugin=caching_sha2_password"
                + "&localSocketAddress=127.0.0.5";
        assertThatThrownBy(() -> DriverManager.getConnection(url, "ctu2", "ct2pwd").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("mysql_clear_password")
                .hasMessageContaining("clear_pw_passthrough");
    }

    @Test
    void passthroughSendsTheCleartextPasswordOnlyOverTlsUnlessAllowed() throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", bed.port("Clear"), new byte[0])) {
            assertThat(s.login("ctu", "ctpwd")).contains("TLS").contains("clear_pw_without_tls");
        }
        try (RawSession s = RawSession.connect("127.0.0.1", bed.port("ClearPlain"), new byte[0])) {
            assertThat(s.login("ctu", "ctpwd")).isNull();
            assertThat(s.scalar("SELECT CURRENT_USER()")).isEqualTo("ctu@%");
        }
    }
}
