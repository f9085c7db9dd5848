package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded generator of hostile clients against a real Gatehouse: mutated and truncated handshakes, noise after the
 * greeting, and after a valid login, malformed and random commands (only commands that cannot harm the shared
 * servers: no shutdown, kill or replication commands) and COM_CHANGE_USER exchanges answered with garbage. Afterwards no session is left behind (nothing hung), a normal
 * client is served and the leak guard sees no leaked buffer. Both stream kinds (readconnroute, readwritesplit).
 * JUnit test thread plus a pool of client threads.
 */
@ExtendWith(MariaDbExtension.class)
class HostileClientsTest {
    private static final long SEED = 0x40571L;
    private static final int ITERATIONS = 1200;
    private static final int[] SAFE_COMMANDS = {0x02, 0x03, 0x04, 0x0E, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1F};

    @Test
    void randomAndMalformedClientsCannotHurtTheProxy(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String cnf = GatehouseExtension.config(cluster, dir).replace("protocol=MariaDBClient\n",
                "protocol=MariaDBClient\nconnection_init_timeout=1s\n");
        Files.writeString(dir.resolve("gatehouse.cnf"), cnf);
        try (Gatehouse gh = Gatehouse.start(dir.resolve("gatehouse.cnf"))) {
            List<Integer> ports = List.of(gh.port("Write-Listener"), gh.port("Split-Listener"));
            ExecutorService pool = Executors.newFixedThreadPool(16);
            AtomicInteger answered = new AtomicInteger();
            try {
                List<Future<?>> runs = new java.util.ArrayList<>();
                for (int i = 0; i < ITERATIONS; i++) {
                    long seed = SEED + i;
                    int port = ports.get(i % 2);
                    runs.add(pool.submit(() -> {
                        oneClient(new Random(seed), port, answered);
                        return null;
                    }));
                }
                for (Future<?> f : runs) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(answered.get()).as("Gatehouse answered the clients it could").isPositive();
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (gh.runtime().sessions().size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(gh.runtime().sessions().size()).as("sessions left behind").isZero();
            for (int port : ports) {
                try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/"
                        + Accounts.DATABASE, Accounts.APP_USER, Accounts.APP_PASSWORD);
                     Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 'fine'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("fine");
                }
            }
        }
    }

    private static void oneClient(Random rnd, int port, AtomicInteger answered) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(1500);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] greeting = readPacket(in);
            if (greeting == null) {
                return;
            }
            byte[] nonce = nonce(greeting);
            byte[] login = RawLogin.handshakeResponse(Accounts.APP_USER, Accounts.APP_PASSWORD, nonce);
            switch (rnd.nextInt(5)) {
                case 0 -> out.write(mutate(rnd, login));
                case 1 -> out.write(noise(rnd, 1 + rnd.nextInt(300)));
                case 2 -> {
                    out.write(login, 0, rnd.nextInt(login.length));     // truncated, then silence
                }
                case 3 -> {
                    // A COM_CHANGE_USER whose token names another plugin: Gatehouse switches the client to
                    // mysql_native_password and waits for the answer, which comes as noise, cut short or not at all.
                    out.write(login);
                    byte[] reply = readPacket(in);
                    if (reply == null || reply[0] != 0) {
                        return;
                    }
                    out.write(changeUser(rnd));
                    out.flush();
                    byte[] sw = readPacket(in);
                    if (sw == null || (sw[0] & 0xFF) != 0xFE) {
                        return;
                    }
                    byte[] answer = noise(rnd, rnd.nextInt(3) == 0 ? 20 : rnd.nextInt(100));
                    byte[] framed = new byte[4 + answer.length];
                    framed[0] = (byte) (rnd.nextInt(5) == 0 ? 0xFF : answer.length);   // now and then a lying length
                    framed[2] = (byte) (rnd.nextInt(5) == 0 ? 0x7F : 0);              // or one far over the limit
                    framed[3] = 2;
                    System.arraycopy(answer, 0, framed, 4, answer.length);
                    out.write(framed, 0, rnd.nextInt(4) == 0 ? rnd.nextInt(framed.length + 1) : framed.length);
                    if (rnd.nextBoolean()) {
                        out.flush();
                        s.shutdownOutput();                                    // hangs up mid-exchange
                    }
                }
                default -> {
                    out.write(login);
                    byte[] reply = readPacket(in);
                    if (reply == null || reply[0] != 0) {
                        return;
                    }
                    for (int i = 0; i < 1 + rnd.nextInt(5); i++) {
                        out.write(command(rnd));
                    }
                }
            }
            out.flush();
            try {
                while (readPacket(in) != null) {
                    answered.incrementAndGet();
                }
            } catch (SocketTimeoutException e) {
                // a client that sent half a packet is waiting too: it hangs up, the proxy must clean up
            }
        } catch (java.net.SocketException e) {
            // the proxy closed on us while we wrote: a refusal
        }
    }

    private static byte[] command(Random rnd) {
        int cmd = SAFE_COMMANDS[rnd.nextInt(SAFE_COMMANDS.length)];
        byte[] body = rnd.nextInt(3) == 0 ? noise(rnd, rnd.nextInt(40))
                : ("SELECT " + rnd.nextInt(1000) + (rnd.nextBoolean() ? "" : " FROM nowhere_" + rnd.nextInt(9)))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int len = body.length + 1;
        int claimed = switch (rnd.nextInt(6)) {
            case 0 -> 0;                                              // empty packet
            case 1 -> len + 1 + rnd.nextInt(20);                      // claims more than it sends
            default -> len;
        };
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(claimed);
        b.write(claimed >> 8);
        b.write(claimed >> 16);
        b.write(rnd.nextInt(8) == 0 ? rnd.nextInt(256) : 0);          // now and then a wrong sequence number
        b.write(cmd);
        b.writeBytes(body);
        return b.toByteArray();
    }

    private static byte[] changeUser(Random rnd) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x11);
        body.writeBytes((Accounts.APP_USER + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        body.write(20);
        body.writeBytes(noise(rnd, 20));
        body.writeBytes((Accounts.DATABASE + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        body.write(33);
        body.write(0);
        String plugin = rnd.nextBoolean() ? "client_ed25519" : "caching_sha2_password";
        body.writeBytes((plugin + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        body.write(0);                                                // no connection attributes
        byte[] payload = body.toByteArray();
        byte[] packet = new byte[4 + payload.length];
        packet[0] = (byte) payload.length;
        System.arraycopy(payload, 0, packet, 4, payload.length);
        return packet;
    }

    private static byte[] mutate(Random rnd, byte[] valid) {
        byte[] b = valid.clone();
        for (int i = 0; i < 1 + rnd.nextInt(6); i++) {
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    private static byte[] noise(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] nonce(byte[] greeting) {
        int p = 1;
        while (greeting[p] != 0) {
            p++;
        }
        p += 1 + 4;
        byte[] nonce = new byte[NativePassword.NONCE_LENGTH];
        System.arraycopy(greeting, p, nonce, 0, 8);
        p += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
        System.arraycopy(greeting, p, nonce, 8, 12);
        return nonce;
    }

    /** One packet's payload, or null at the end of the stream. */
    private static byte[] readPacket(InputStream in) throws IOException {
        byte[] h = in.readNBytes(4);
        if (h.length < 4) {
            return null;
        }
        int len = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16;
        byte[] body = in.readNBytes(len);
        return body.length < len ? null : body;
    }
}
