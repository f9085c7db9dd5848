package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's account policies where Gatehouse checks the password itself: locked accounts (4151), expired
 * passwords (1862, or the server's sandbox for clients that can handle it), {@code max_password_errors} (4150) and
 * pre-4.1 password hashes get the answer the server gives, with and without a user_mapping_file. Each case is asked
 * of the server directly too. Real server, raw protocol clients; the test thread.
 */
class AccountPolicyTest {
    @TempDir
    static Path dir;
    static AuthTestBed bed;

    @BeforeAll
    static void start() throws Exception {
        Path mapping = AuthTestBed.mappingToApp(dir, "lk", "ex", "exl", "pe");
        bed = AuthTestBed.start(dir, "policydb", 82,
                "CREATE USER 'lk'@'%' IDENTIFIED BY 'lkpwd' ACCOUNT LOCK; GRANT SELECT ON test.* TO 'lk'@'%';"
                        + "CREATE USER 'ex'@'%' IDENTIFIED BY 'expwd' PASSWORD EXPIRE;"
                        + "GRANT SELECT ON test.* TO 'ex'@'%';"
                        + "CREATE USER 'exl'@'%' IDENTIFIED BY 'exlpwd' PASSWORD EXPIRE INTERVAL 1 DAY;"
                        + "GRANT SELECT ON test.* TO 'exl'@'%';"
                        // Changed three days ago: one day of lifetime is long over.
                        + "UPDATE mysql.global_priv SET Priv = JSON_SET(Priv, '$.password_last_changed',"
                        + " UNIX_TIMESTAMP() - 3 * 86400) WHERE User = 'exl'; FLUSH PRIVILEGES;"
                        + "CREATE USER 'pe'@'%' IDENTIFIED BY 'pepwd'; GRANT SELECT ON test.* TO 'pe'@'%';"
                        + "CREATE USER 'pe2'@'%' IDENTIFIED BY 'pe2pwd'; GRANT SELECT ON test.* TO 'pe2'@'%';"
                        + "CREATE USER 'op'@'%' IDENTIFIED VIA mysql_old_password USING '378b243e220ca493';"
                        + "GRANT SELECT ON test.* TO 'op'@'%';",
                "max_auth_errors_until_block=0",
                AuthTestBed.listener("Plain", "Svc", "") + AuthTestBed.listener("Mapped", "Svc",
                        "user_mapping_file=" + mapping));
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    /** Logs in through {@code port}; CURRENT_USER() or the first statement's error, or "refused: " and the error. */
    private static String login(int port, String user, String password, int capabilities) throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", port, new byte[0])) {
            String err = s.login(user, password, capabilities);
            return err != null ? "refused: " + err : s.scalar("SELECT CURRENT_USER()");
        }
    }

    private static String code(String outcome) {
        return outcome.split(" ")[0].equals("refused:") || outcome.startsWith("ERR ")
                ? outcome.split(" ")[0] + " " + outcome.split(" ")[1] : outcome;
    }

    @Test
    void lockedAccountsAreRefusedAsTheServerRefusesThem() throws Exception {
        String direct = login(bed.db.port(), "lk", "lkpwd", 0);
        assertThat(direct).startsWith("refused: 4151");
        assertThat(code(login(bed.port("Plain"), "lk", "lkpwd", 0))).isEqualTo("refused: 4151");
        // Mapped: the backend never sees the locked account, so Gatehouse itself must refuse it.
        assertThat(login(bed.port("Mapped"), "lk", "lkpwd", 0)).startsWith("refused: 4151")
                .contains("Access denied, this account is locked");
    }

    @Test
    void expiredPasswordsAreRefusedOrSandboxedAsTheServerDoes() throws Exception {
        int canHandle = RawLogin.CAN_HANDLE_EXPIRED_PASSWORDS;
        // MariaDB's default (disconnect_on_expired_password=OFF): every client gets the sandbox, where statements
        // need SET PASSWORD first.
        assertThat(code(login(bed.db.port(), "ex", "expwd", 0))).isEqualTo("ERR 1820");
        assertThat(code(login(bed.port("Plain"), "ex", "expwd", 0))).isEqualTo("ERR 1820");
        assertThat(code(login(bed.port("Plain"), "ex", "expwd", canHandle))).isEqualTo("ERR 1820");
        // Mapped, the sandbox would be the mapped account's: refused instead.
        assertThat(code(login(bed.port("Mapped"), "ex", "expwd", canHandle))).isEqualTo("refused: 1862");
        assertThat(code(login(bed.port("Mapped"), "exl", "exlpwd", canHandle))).as("password_lifetime passed")
                .isEqualTo("refused: 1862");
        bed.db.execute("SET GLOBAL disconnect_on_expired_password = ON");
        try {
            bed.reloadUsers("Svc");
            assertThat(code(login(bed.db.port(), "ex", "expwd", 0))).isEqualTo("refused: 1862");
            assertThat(code(login(bed.port("Plain"), "ex", "expwd", 0))).isEqualTo("refused: 1862");
            assertThat(code(login(bed.db.port(), "ex", "expwd", canHandle))).isEqualTo("ERR 1820");
            assertThat(code(login(bed.port("Plain"), "ex", "expwd", canHandle))).isEqualTo("ERR 1820");
        } finally {
            bed.db.execute("SET GLOBAL disconnect_on_expired_password = OFF");
        }
    }

    @Test
    void maxPasswordErrorsBlocksTheAccountAsTheServerDoes() throws Exception {
        bed.db.execute("SET GLOBAL max_password_errors = 2");
        try {
            bed.reloadUsers("Svc");
            // The server: two wrong passwords, then even the right one is refused.
            assertThat(code(login(bed.db.port(), "pe2", "wrong", 0))).isEqualTo("refused: 1045");
            assertThat(code(login(bed.db.port(), "pe2", "wrong", 0))).isEqualTo("refused: 1045");
            assertThat(code(login(bed.db.port(), "pe2", "pe2pwd", 0))).isEqualTo("refused: 4150");
            // Gatehouse checks passwords itself, so the server never sees the wrong ones: it must count them.
            assertThat(login(bed.port("Plain"), "pe", "pepwd", 0)).isEqualTo("pe@%");
            assertThat(code(login(bed.port("Plain"), "pe", "wrong", 0))).isEqualTo("refused: 1045");
            assertThat(code(login(bed.port("Mapped"), "pe", "wrong", 0))).isEqualTo("refused: 1045");
            assertThat(code(login(bed.port("Plain"), "pe", "pepwd", 0))).isEqualTo("refused: 4150");
            assertThat(code(login(bed.port("Mapped"), "pe", "pepwd", 0))).isEqualTo("refused: 4150");
        } finally {
            bed.db.execute("SET GLOBAL max_password_errors = 4294967295; FLUSH PRIVILEGES");
        }
    }

    @Test
    void oldFormatPasswordsGetTheServersAnswer() throws Exception {
        String direct = login(bed.db.port(), "op", "whatever", 0);
        assertThat(direct).startsWith("refused: ");
        assertThat(code(login(bed.port("Plain"), "op", "whatever", 0))).isEqualTo(code(direct));
    }
}
