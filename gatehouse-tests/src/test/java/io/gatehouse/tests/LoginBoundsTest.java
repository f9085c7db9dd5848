package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login phase holds bounded memory: a client that keeps asking for the RSA public key is cut off with an error,
 * and so is one that streams bytes while its login waits for the backend (here a backend that never greets).
 * Real server, raw sockets; the test thread.
 */
class LoginBoundsTest {
    @TempDir
    static Path dir;
    static AuthTestBed bed;
    static ServerSocket silent;

    @BeforeAll
    static void start() throws Exception {
        silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        bed = AuthTestBed.start(dir, "boundsdb", 86, "", "max_auth_errors_until_block=0",
                AuthTestBed.listener("MySQL8", "Svc8", "")
                        + "[silent]\ntype=server\naddress=127.0.0.1\nport=" + silent.getLocalPort() + "\n\n"
                        + "[SilentSvc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=silent\n"
                        + "user=maxuser\npassword=maxpwd\n\n"
                        + AuthTestBed.listener("SilentSkip", "SilentSvc",
                        "authenticator_options=skip_authentication=true\nconnection_init_timeout=20s"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (bed != null) {
            bed.close();
        }
        silent.close();
    }

    private static byte[] readPacket(InputStream in) throws IOException {
        byte[] h = in.readNBytes(4);
        if (h.length < 4) {
            return null;
        }
        int len = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16;
        byte[] body = in.readNBytes(len);
        return body.length < len ? null : body;
    }

    @Test
    void repeatedPublicKeyRequestsEndTheLogin() throws Exception {
        try (Socket s = new Socket()) {
            s.setSoTimeout(5000);
            s.connect(new InetSocketAddress("127.0.0.1", bed.port("MySQL8")));
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            readPacket(in);
            out.write(RawLogin.handshakeResponse("nu", new byte[0], "sha256_password", 0));
            byte[] sw = readPacket(in);
            assertThat(sw[0] & 0xFF).as("switch to sha256_password").isEqualTo(0xFE);
            int keys = 0;
            byte[] last = null;
            for (int i = 0; i < 20 && last == null; i++) {
                out.write(RawLogin.frame(3 + 2 * i, new byte[] {1}));
                out.flush();
                byte[] answer = readPacket(in);
                if (answer == null || (answer[0] & 0xFF) == 0xFF) {
                    last = answer;
                } else if (new String(answer, StandardCharsets.US_ASCII).contains("PUBLIC KEY")) {
                    keys++;
                }
            }
            assertThat(keys).as("public keys sent").isLessThanOrEqualTo(3);
            assertThat(last).as("an error ends the login").isNotNull();
            assertThat(RawSession.error(last)).contains("public key");
        }
    }

    @Test
    void bytesStreamedWhileTheLoginWaitsAreCapped() throws Exception {
        try (Socket s = new Socket()) {
            s.setSoTimeout(15_000);
            s.connect(new InetSocketAddress("127.0.0.1", bed.port("SilentSkip")));
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            readPacket(in);
            out.write(RawLogin.handshakeResponse("nu", new byte[20], "mysql_native_password", 0));
            out.flush();
            byte[] chunk = new byte[64 * 1024];
            boolean writeRefused = false;
            try {
                for (int i = 0; i < 64; i++) {                        // 4 MiB while the backend never greets
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException e) {
                writeRefused = true;                                  // Gatehouse hung up on us
            }
            byte[] answer;
            try {
                answer = readPacket(in);
            } catch (IOException e) {
                answer = null;
            }
            if (!writeRefused || answer != null) {
                assertThat(answer).as("an error, not silence until the login times out").isNotNull();
                assertThat(RawSession.error(answer)).startsWith("1153");
            }
        }
    }
}
