package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A COM_CHANGE_USER too big for Gatehouse to take out of the stream (over 64 KiB, padded after its plugin name) must
 * never reach the backend, which would authenticate the client itself, past Gatehouse's root policy, host block
 * and mapping: security review item 4. The client asks for a plugin the root account does not use, so a backend
 * that gets the packet switches it to mysql_native_password with its own nonce, which the client answers.
 * JUnit test thread; a raw protocol client.
 */
@ExtendWith(MariaDbExtension.class)
class ChangeUserBypassTest {
    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener"})
    void anOversizedChangeUserNeverReachesTheBackend(String listener, MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, GatehouseExtension.config(cluster, dir));
        try (Gatehouse gh = Gatehouse.start(file);
             RawSession s = RawSession.connect("127.0.0.1", gh.port(listener), new byte[0])) {
            assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.write(0x11);
            p.writeBytes(Accounts.ROOT_USER.getBytes(StandardCharsets.UTF_8));
            p.write(0);
            p.write(20);
            p.writeBytes(new byte[20]);                          // a token no server accepts
            p.writeBytes("test".getBytes(StandardCharsets.UTF_8));
            p.write(0);
            p.write(45);
            p.write(0);
            p.writeBytes("client_ed25519".getBytes(StandardCharsets.US_ASCII));
            p.write(0);
            p.writeBytes(new byte[70 * 1024]);                   // padding past 64 KiB
            s.write(RawLogin.frame(0, p.toByteArray()));
            String answer = s.answerAuth(Accounts.ROOT_PASSWORD);
            assertThat(answer).as("root must not get in through an oversized COM_CHANGE_USER").isNotNull();
        }
    }
}
