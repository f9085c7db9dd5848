package io.gatehouse.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by the {@code openssl} command in a test's directory: a CA with a server certificate for
 * 127.0.0.1 and a client certificate, and an unrelated CA with a client certificate of its own. Test thread.
 */
final class OpensslCerts {
    final Path dir;

    OpensslCerts(Path dir) throws Exception {
        this.dir = dir;
        selfSigned("ca");
        selfSigned("other-ca");
        signed("ca", "server", "subjectAltName=IP:127.0.0.1");
        signed("ca", "client", "extendedKeyUsage=clientAuth");
        signed("other-ca", "other-client", "extendedKeyUsage=clientAuth");
        // A server two links below the CA, sending its chain: for ssl_cert_verify_depth.
        signed("ca", "intermediate", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign");
        signed("intermediate", "deep-server", "subjectAltName=IP:127.0.0.1");
        Files.writeString(cert("deep-server-chain"), Files.readString(cert("deep-server"))
                + Files.readString(cert("intermediate")));
    }

    Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    Path key(String name) {
        return dir.resolve(name + "-key.pem");
    }

    private void selfSigned(String name) throws Exception {
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name, "-keyout",
                key(name).toString(), "-out", cert(name).toString());
    }

    private void signed(String issuer, String name, String extension) throws Exception {
        Path csr = dir.resolve(name + ".csr");
        Path ext = Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
        run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", key(name).toString(),
                "-out", csr.toString());
        run("x509", "-req", "-in", csr.toString(), "-CA", cert(issuer).toString(), "-CAkey", key(issuer).toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert(name).toString());
    }

    private void run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log, StandardCharsets.UTF_8)).isZero();
    }
}
