package io.gatehouse.admin.tls;

import io.gatehouse.admin.AdminSettings;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the admin API's TLS context from {@code admin_ssl_key}, {@code admin_ssl_cert}, {@code admin_ssl_ca} and
 * {@code admin_ssl_version} with the JDK's TLS provider. Called once on the main thread when the admin server
 * starts; the context it returns is immutable and shared by every admin connection.
 */
public final class AdminTls {
    private AdminTls() {
    }

    /** The server context, or null when the settings ask for plain HTTP; throws naming the parameter at fault. */
    public static SslContext serverContext(AdminSettings s) throws Exception {
        if (s.sslKey() == null && s.sslCert() == null) {
            return null;
        }
        if (s.sslKey() == null || s.sslCert() == null) {
            throw new IllegalArgumentException((s.sslKey() == null ? "admin_ssl_key" : "admin_ssl_cert")
                    + ": missing (expected: both admin_ssl_key and admin_ssl_cert for HTTPS)");
        }
        byte[] chain = concat(read("admin_ssl_cert", s.sslCert()), s.sslCa() == null ? new byte[0] : read("admin_ssl_ca", s.sslCa()));
        byte[] key = read("admin_ssl_key", s.sslKey());
        SslContextBuilder b;
        try (InputStream c = new ByteArrayInputStream(chain); InputStream k = new ByteArrayInputStream(key)) {
            b = SslContextBuilder.forServer(c, k);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("admin_ssl_key/admin_ssl_cert: " + s.sslKey() + ", " + s.sslCert()
                    + " (expected: a PEM private key and its PEM certificate): " + e.getMessage(), e);
        }
        b.sslProvider(SslProvider.JDK).protocols(protocols(s.sslVersion()));
        return b.build();
    }

    static String[] protocols(String version) {
        return switch (version) {
            case "TLSv10" -> new String[] {"TLSv1"};
            case "TLSv11" -> new String[] {"TLSv1.1"};
            case "TLSv12" -> new String[] {"TLSv1.2"};
            case "TLSv13" -> new String[] {"TLSv1.3"};
            default -> new String[] {"TLSv1.3", "TLSv1.2"};
        };
    }

    private static byte[] read(String param, Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(param + ": " + p + " (expected: a readable PEM file): " + e.getMessage(), e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.write('\n');
        out.writeBytes(b);
        return out.toByteArray();
    }
}
