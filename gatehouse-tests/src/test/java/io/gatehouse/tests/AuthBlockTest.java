package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failed-login blocker ({@code max_auth_errors_until_block=5}) cannot be reset or dodged: a successful login
 * from the host does not wipe its count, failed COM_CHANGE_USER attempts count and close the connection at the
 * limit, a connection gets at most three failed COM_CHANGE_USER as with MariaDB, and failures the backend reports
 * under clear_pw_passthrough count too. Each case from its own loopback address. Real server, raw protocol clients;
 * the test thread.
 */
class AuthBlockTest {
    @TempDir
    static Path dir;
    static AuthTestBed bed;

    @BeforeAll
    static void start() throws Exception {
        bed = AuthTestBed.start(dir, "blockdb", 84, "", "max_auth_errors_until_block=5\nauth_block_time=10m",
                AuthTestBed.listener("Plain", "Svc", "")
                        + AuthTestBed.listener("Clear", "Svc", "authenticator_options=clear_pw_passthrough=true"));
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private static String login(String from, String listener, String password) throws Exception {
        try (RawSession s = RawSession.connect(from, bed.port(listener), new byte[0])) {
            String err = s.login("nu", password);
            return err == null ? "ok" : err;
        }
    }

    @Test
    void aSuccessfulLoginDoesNotWipeTheHostsFailures() throws Exception {
        String from = "127.0.0.11";
        for (int i = 0; i < 4; i++) {
            assertThat(login(from, "Plain", "wrong")).startsWith("1045");
        }
        assertThat(login(from, "Plain", "nupwd")).isEqualTo("ok");
        assertThat(login(from, "Plain", "wrong")).startsWith("1045");
        assertThat(login(from, "Plain", "nupwd")).as("the fifth failure blocked the host").startsWith("1129");
    }

    @Test
    void aConnectionGetsThreeFailedChangeUsersAsWithMariaDb() throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.12", bed.port("Plain"), new byte[0])) {
            assertThat(s.login("nu", "nupwd")).isNull();
            for (int i = 0; i < 3; i++) {
                assertThat(s.changeUser("nu", "wrong")).startsWith("1045");
            }
            assertThat(s.changeUser("nu", "nupwd")).as("the fourth attempt, even with the right password")
                    .isNotNull();
            assertThat(s.closedByServer()).isTrue();
        }
    }

    @Test
    void failedChangeUsersCountAndTheLimitClosesTheConnection() throws Exception {
        String from = "127.0.0.13";
        try (RawSession s = RawSession.connect(from, bed.port("Plain"), new byte[0])) {
            assertThat(s.login("nu", "nupwd")).isNull();
            for (int i = 0; i < 3; i++) {
                assertThat(s.changeUser("nu", "wrong")).startsWith("1045");
            }
        }
        try (RawSession s = RawSession.connect(from, bed.port("Plain"), new byte[0])) {
            assertThat(s.login("nu", "nupwd")).isNull();
            assertThat(s.changeUser("nu", "wrong")).startsWith("1045");
            assertThat(s.changeUser("nu", "wrong")).startsWith("1045");
            assertThat(s.closedByServer()).as("the host is blocked: the connection ends").isTrue();
        }
        assertThat(login(from, "Plain", "nupwd")).startsWith("1129");
    }

    @Test
    void failuresTheBackendReportsUnderPassthroughCount() throws Exception {
        String from = "127.0.0.14";
        for (int i = 0; i < 5; i++) {
            assertThat(login(from, "Clear", "wrong")).startsWith("1045");
        }
        assertThat(login(from, "Clear", "nupwd")).startsWith("1129");
    }

    /**
     * Under clear_pw_passthrough the backend checks a COM_CHANGE_USER's password: its refusals count as Gatehouse's
     * own do, the connection stays usable as the server leaves it (the old user), and the block ends it.
     */
    @Test
    void changeUsersTheBackendRefusesUnderPassthroughCount() throws Exception {
        String from = "127.0.0.15";
        try (RawSession s = RawSession.connect(from, bed.port("Clear"), new byte[0])) {
            assertThat(s.login("nu", "nupwd")).isNull();
            for (int i = 0; i < 3; i++) {
                assertThat(s.changeUser("nu", "wrong")).startsWith("1045");
                assertThat(s.scalar("SELECT CURRENT_USER()")).isEqualTo("nu@%");
            }
        }
        try (RawSession s = RawSession.connect(from, bed.port("Clear"), new byte[0])) {
            assertThat(s.login("nu", "nupwd")).isNull();
            assertThat(s.changeUser("nu", "wrong")).startsWith("1045");
            assertThat(s.changeUser("nu", "wrong")).startsWith("1045");
            assertThat(s.closedByServer()).as("the host is blocked: the connection ends").isTrue();
        }
        assertThat(login(from, "Clear", "nupwd")).startsWith("1129");
    }
}
