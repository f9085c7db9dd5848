package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.auth.Sha2Password;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer of the login phase and COM_CHANGE_USER with every authentication plugin: handshake responses,
 * authentication-switch answers and change-user packets made for a wrong password, then mutated (bytes flipped, cut
 * short, lying lengths, wrong sequence numbers, extra packets, repeated key requests, hang-ups), against listeners
 * with every authentication mode (checked, user_mapping_file, clear_pw_passthrough, skip_authentication,
 * ed_mode=sha256, a MySQL-style greeting, readwritesplit). No login or change of user with a wrong credential may
 * ever be accepted, no session may be left behind, and the leak guard must see no leaked buffer. CI runs
 * {@value #DEFAULT_ITERATIONS} clients; {@code -Dgatehouse.fuzz.iterations=N} and {@code -Dgatehouse.fuzz.seed=S}
 * run longer or other sequences (docs/SECURITY.md). The test thread plus a pool of client threads.
 */
class LoginFuzzTest {
    private static final int DEFAULT_ITERATIONS = 300;
    private static final String[] LISTENERS = {"Plain", "Mapped", "Clear", "Skip", "EdSha", "MySQL8", "SplitPlain",
        "MappedClear", "MappedSkip"};
    /** user, right password: one account of each plugin. */
    private static final String[][] ACCOUNTS = {{"nu", "nupwd"}, {"edu", "edpwd"}, {"ctu", "ctpwd"},
        {"pu", "pupwd"}, {"app", "apppwd"}};
    private static final String[] PLUGINS = {NativePassword.PLUGIN, "client_ed25519", "mysql_clear_password",
        Sha2Password.CACHING_PLUGIN, Sha2Password.SHA256_PLUGIN, "parsec", "", "no_such_plugin"};

    @TempDir
    static Path dir;

    @Test
    void noWrongCredentialEverLogsIn() throws Exception {
        int iterations = Integer.getInteger("gatehouse.fuzz.iterations", DEFAULT_ITERATIONS);
        long seed = Long.getLong("gatehouse.fuzz.seed", 0x5ECA07L);
        Path mapping = AuthTestBed.mappingToApp(dir, "edu", "pu", "nu");
        String fast = "\nconnection_init_timeout=2s";
        try (AuthTestBed bed = AuthTestBed.start(dir, "fuzzdb", 87, "", "max_auth_errors_until_block=0",
                AuthTestBed.listener("Plain", "Svc", fast)
                        + AuthTestBed.listener("Mapped", "Svc", "user_mapping_file=" + mapping + fast)
                        + AuthTestBed.listener("Clear", "Svc",
                        "authenticator_options=clear_pw_passthrough=true,clear_pw_without_tls=true" + fast)
                        + AuthTestBed.listener("Skip", "Svc", "authenticator_options=skip_authentication=true" + fast)
                        + AuthTestBed.listener("EdSha", "Svc", "authenticator_options=ed_mode=sha256" + fast)
                        + AuthTestBed.listener("MySQL8", "Svc8", fast.strip())
                        + AuthTestBed.listener("SplitPlain", "Split", fast.strip())
                        + AuthTestBed.listener("MappedClear", "Svc", "user_mapping_file=" + mapping
                        + "\nauthenticator_options=clear_pw_passthrough=true,clear_pw_without_tls=true" + fast)
                        + AuthTestBed.listener("MappedSkip", "Svc", "user_mapping_file=" + mapping
                        + "\nauthenticator_options=skip_authentication=true" + fast))) {
            List<String> accepted = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < iterations; i++) {
                    long s = seed + i;
                    runs.add(pool.submit(() -> {
                        oneClient(bed, new Random(s), s, accepted);
                        return null;
                    }));
                }
                for (Future<?> f : runs) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(accepted).as("logins or changes of user accepted with a wrong credential").isEmpty();
            assertThat(bed.sessionsAfterQuiet()).as("sessions left behind").isZero();
            for (String listener : List.of("Plain", "Clear", "Skip")) {
                try (RawSession s = RawSession.connect("127.0.0.1", bed.port(listener), new byte[0])) {
                    assertThat(s.login("nu", "nupwd")).as(listener + " still serves").isNull();
                    assertThat(s.scalar("SELECT 'fine'")).isEqualTo("fine");
                }
            }
        }
    }

    private static void oneClient(AuthTestBed bed, Random rnd, long seed, List<String> accepted) throws IOException {
        String listener = LISTENERS[rnd.nextInt(LISTENERS.length)];
        String[] account = ACCOUNTS[rnd.nextInt(ACCOUNTS.length)];
        String wrong = "not-" + account[1] + rnd.nextInt(1000);
        boolean changeUser = rnd.nextInt(3) == 0;
        try (Socket s = new Socket()) {
            s.setSoTimeout(1500);
            s.connect(new InetSocketAddress("127.0.0.1", bed.port(listener)), 5000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] greeting = read(in, new int[1]);
            if (greeting == null || (greeting[0] & 0xFF) == 0xFF) {
                return;
            }
            byte[] nonce = nonce(greeting);
            if (changeUser) {
                // A real login first (nu or app, mysql_native_password), then the fuzzed COM_CHANGE_USER.
                String[] good = rnd.nextBoolean() ? ACCOUNTS[0] : ACCOUNTS[4];
                out.write(RawLogin.handshakeResponse(good[0], good[1], nonce));
                if (!converse(in, out, new Random(seed), good[1], false)) {
                    return;
                }
                String plugin = PLUGINS[rnd.nextInt(PLUGINS.length)];
                byte[] packet = changeUserPacket(account[0], token(rnd, plugin, wrong, nonce), plugin);
                send(out, rnd, packet);
                if (converse(in, out, rnd, wrong, true)) {
                    accepted.add("seed " + seed + ": COM_CHANGE_USER to " + account[0] + " through " + listener);
                }
                return;
            }
            String plugin = PLUGINS[rnd.nextInt(PLUGINS.length)];
            byte[] login = RawLogin.handshakeResponse(account[0], token(rnd, plugin, wrong, nonce), plugin,
                    rnd.nextInt(4) == 0 ? RawLogin.CAN_HANDLE_EXPIRED_PASSWORDS : 0);
            send(out, rnd, login);
            if (converse(in, out, rnd, wrong, true)) {
                accepted.add("seed " + seed + ": login of " + account[0] + " through " + listener);
            }
        } catch (java.net.SocketException e) {
            // Gatehouse hung up while we wrote: a refusal
        }
    }

    /** The first token a client of {@code plugin} sends, for {@code password}. */
    private static byte[] token(Random rnd, String plugin, String password, byte[] nonce) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        return switch (plugin) {
            case "mysql_native_password" -> NativePassword.scramble(pw, nonce);
            case "caching_sha2_password" -> Sha2Password.scramble(password, nonce);
            case "client_ed25519" -> noise(rnd, 64);
            case "mysql_clear_password" -> (password + "\0").getBytes(StandardCharsets.UTF_8);
            case "sha256_password" -> rnd.nextBoolean() ? new byte[] {1} : new byte[0];
            default -> noise(rnd, rnd.nextInt(40));
        };
    }

    /**
     * Answers whatever Gatehouse asks, as a client of the asked plugin would with {@code password} (and, when
     * {@code mutate}, with damage); true when an OK packet came.
     */
    private static boolean converse(InputStream in, OutputStream out, Random rnd, String password, boolean mutate)
            throws IOException {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        int[] seq = new int[1];
        for (int round = 0; round < 10; round++) {
            byte[] p;
            try {
                p = read(in, seq);
            } catch (SocketTimeoutException e) {
                return false;                                   // Gatehouse waits for more: we hang up
            }
            if (p == null || p.length == 0) {
                return false;
            }
            int first = p[0] & 0xFF;
            if (first == 0x00) {
                return true;
            }
            byte[] answer;
            if (first == 0xFE) {
                int end = 1;
                while (end < p.length && p[end] != 0) {
                    end++;
                }
                String plugin = new String(p, 1, end - 1, StandardCharsets.US_ASCII);
                byte[] data = java.util.Arrays.copyOfRange(p, Math.min(end + 1, p.length), p.length);
                answer = switch (plugin) {
                    case "mysql_native_password" -> NativePassword.scramble(pw, java.util.Arrays.copyOf(data, 20));
                    case "mysql_clear_password" -> (password + "\0").getBytes(StandardCharsets.UTF_8);
                    case "sha256_password" -> rnd.nextBoolean() ? new byte[] {1} : noise(rnd, 256);
                    case "parsec" -> new byte[0];
                    default -> noise(rnd, 64);
                };
            } else if (first == 0x01) {
                boolean pem = p.length > 11 && new String(p, 1, 10, StandardCharsets.US_ASCII).startsWith("-----");
                if (pem) {
                    answer = rnd.nextInt(4) == 0 ? new byte[] {(byte) (1 + rnd.nextInt(2))} : noise(rnd, 256);
                } else if (p.length == 2 && p[1] == 3) {
                    continue;                                   // fast auth OK: the verdict follows
                } else if (p.length == 2 && p[1] == 4) {
                    answer = rnd.nextBoolean() ? new byte[] {2} : (password + "\0").getBytes(StandardCharsets.UTF_8);
                } else {
                    answer = noise(rnd, 96);                     // parsec's salt: a (wrong) signature
                }
            } else {
                return false;                                   // an error: refused
            }
            byte[] framed = RawLogin.frame(seq[0] + 1, answer);
            if (mutate && rnd.nextInt(3) == 0) {
                framed = damage(rnd, framed);
                if (framed == null) {
                    return false;                               // hung up mid-exchange
                }
            }
            out.write(framed);
            out.flush();
        }
        return false;
    }

    private static void send(OutputStream out, Random rnd, byte[] packet) throws IOException {
        byte[] b = rnd.nextInt(3) == 0 ? damage(rnd, packet) : packet;
        if (b != null) {
            out.write(b);
            out.flush();
        }
    }

    /** A damaged copy of a framed packet, or null for "hang up instead". */
    private static byte[] damage(Random rnd, byte[] framed) {
        byte[] b = framed.clone();
        switch (rnd.nextInt(7)) {
            case 0 -> {
                int body = b.length - 4;                                                   // bytes flipped
                for (int i = 0; body > 0 && i < 1 + rnd.nextInt(4); i++) {
                    b[4 + rnd.nextInt(body)] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));               // cut short
            case 2 -> b[0] = (byte) (b[0] + 1 + rnd.nextInt(50));                           // claims more
            case 3 -> b[3] = (byte) rnd.nextInt(256);                                      // wrong sequence
            case 4 -> {
                byte[] extra = RawLogin.frame(b[3] + 1, noise(rnd, rnd.nextInt(64)));        // a packet too many
                byte[] both = java.util.Arrays.copyOf(b, b.length + extra.length);
                System.arraycopy(extra, 0, both, b.length, extra.length);
                b = both;
            }
            case 5 -> b[2] = (byte) 0x7F;                                                  // far over the limit
            default -> {
                return null;
            }
        }
        return b;
    }

    private static byte[] changeUserPacket(String user, byte[] token, String plugin) {
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        p.write(0x11);
        p.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        p.write(0);
        p.write(token.length);
        p.writeBytes(token);
        p.writeBytes("test\0".getBytes(StandardCharsets.US_ASCII));
        p.write(45);
        p.write(0);
        p.writeBytes((plugin + "\0").getBytes(StandardCharsets.US_ASCII));
        return RawLogin.frame(0, p.toByteArray());
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
        byte[] nonce = new byte[20];
        System.arraycopy(greeting, p, nonce, 0, 8);
        p += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
        System.arraycopy(greeting, p, nonce, 8, 12);
        return nonce;
    }

    /** One packet's payload (its sequence number in {@code seq[0]}), or null at the end of the stream. */
    private static byte[] read(InputStream in, int[] seq) throws IOException {
        byte[] h = in.readNBytes(4);
        if (h.length < 4) {
            return null;
        }
        int len = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16;
        seq[0] = h[3] & 0xFF;
        byte[] body = in.readNBytes(len);
        return body.length < len ? null : body;
    }
}
