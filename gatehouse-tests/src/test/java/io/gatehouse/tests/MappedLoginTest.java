package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.Accounts;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user_mapping_file credential is used only for a client whose password was checked, and only for the account it
 * proved: with clear_pw_passthrough and with skip_authentication (where otherwise the backend checks), a wrong
 * password is refused; a client that passes the anonymous account under a mapped name gets no mapping. Real server,
 * raw protocol clients. The test thread.
 */
class MappedLoginTest {
    @TempDir
    static Path dir;
    static AuthTestBed bed;

    @BeforeAll
    static void start() throws Exception {
        Path mapping = AuthTestBed.mappingToApp(dir, "alice", "carol");
        bed = AuthTestBed.start(dir, "mapdb", 81,
                "CREATE USER 'alice'@'%' IDENTIFIED BY 'alicepwd'; GRANT SELECT ON test.* TO 'alice'@'%';"
                        // The anonymous account: any name with this password logs in as ''@'%'.
                        + "CREATE USER ''@'%' IDENTIFIED BY 'anonpwd'; GRANT SELECT ON test.* TO ''@'%';",
                "max_auth_errors_until_block=0",
                AuthTestBed.listener("Mapped", "Svc", "user_mapping_file=" + mapping)
                        + AuthTestBed.listener("MappedClear", "Svc", "user_mapping_file=" + mapping
                        + "\nauthenticator_options=clear_pw_passthrough=true")
                        + AuthTestBed.listener("MappedSkip", "Svc", "user_mapping_file=" + mapping
                        + "\nauthenticator_options=skip_authentication=true"));
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    /** Logs in and returns CURRENT_USER(), or "refused: " and the error. */
    private static String currentUser(String listener, String user, String password) throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", bed.port(listener), new byte[0])) {
            String err = s.login(user, password);
            return err != null ? "refused: " + err : s.scalar("SELECT CURRENT_USER()");
        }
    }

    @Test
    void aMappedUserNeedsItsOwnPasswordUnderClearPasswordPassthrough() throws Exception {
        assertThat(currentUser("MappedClear", "alice", "not-alices")).startsWith("refused: 1045");
        assertThat(currentUser("MappedClear", "alice", "alicepwd")).isEqualTo(Accounts.APP_USER + "@%");
        // Unmapped users still leave the check to the backend.
        assertThat(currentUser("MappedClear", "nu", "nupwd")).isEqualTo("nu@%");
        assertThat(currentUser("MappedClear", "nu", "wrong")).startsWith("refused: 1045");
    }

    @Test
    void aMappedUserNeedsItsOwnPasswordUnderSkipAuthentication() throws Exception {
        assertThat(currentUser("MappedSkip", "alice", "not-alices")).startsWith("refused: 1045");
        assertThat(currentUser("MappedSkip", "alice", "alicepwd")).isEqualTo(Accounts.APP_USER + "@%");
        assertThat(currentUser("MappedSkip", "nu", "nupwd")).isEqualTo("nu@%");
    }

    @Test
    void theMappingFollowsTheProvenAccountNotTheTypedName() throws Exception {
        // 'carol' has no account of her own: the anonymous account's password lets her in, as the server would,
        // but as ''@'%' and not through carol's mapping.
        assertThat(currentUser("Mapped", "carol", "anonpwd")).isEqualTo("@%");
        assertThat(currentUser("MappedClear", "carol", "anonpwd")).isEqualTo("@%");
        assertThat(currentUser("Mapped", "alice", "alicepwd")).isEqualTo(Accounts.APP_USER + "@%");
    }
}
