package io.gatehouse.core.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * RSA keys from PEM files ({@code -----BEGIN PRIVATE KEY-----} PKCS#8 and {@code -----BEGIN PUBLIC KEY-----}), as
 * {@code openssl genpkey}/{@code openssl pkey -pubout} write them. Stateless; the main thread at start.
 */
public final class PemKeys {
    private PemKeys() {
    }

    /** The key pair of a PKCS#8 private key file and its public key file. */
    public static KeyPair rsaPair(Path privateKey, Path publicKey) throws Exception {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        PrivateKey priv = rsa.generatePrivate(new PKCS8EncodedKeySpec(der(privateKey, "PRIVATE KEY")));
        PublicKey pub = rsa.generatePublic(new X509EncodedKeySpec(der(publicKey, "PUBLIC KEY")));
        return new KeyPair(pub, priv);
    }

    private static byte[] der(Path file, String label) throws Exception {
        String text = Files.readString(file);
        int begin = text.indexOf("-----BEGIN " + label + "-----");
        int end = text.indexOf("-----END " + label + "-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(file + " holds no '" + label + "' PEM block");
        }
        String b64 = text.substring(begin + label.length() + 16, end).replaceAll("\\s", "");
        return Base64.getDecoder().decode(b64);
    }
}
