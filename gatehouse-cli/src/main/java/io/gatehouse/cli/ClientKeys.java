package io.gatehouse.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * The client certificate of {@code --tls-key}/{@code --tls-cert}/{@code --tls-passphrase}: reads the PEM files and
 * builds key managers that present them (encrypted keys: {@link Pbes2}, else the JDK's PBE schemes). Errors name
 * the option whose file is wrong. Stateless; used on the
 * command's thread.
 */
final class ClientKeys {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private ClientKeys() {
    }

    static KeyManager[] managers(Path keyFile, Path certFile, String passphrase) {
        PrivateKey key = key(keyFile, passphrase);
        Certificate[] chain;
        try (var in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException("--tls-cert: " + certFile + " (expected: a PEM certificate): " + e.getMessage());
        }
        if (chain.length == 0) {
            throw new CliException("--tls-cert: " + certFile + " holds no certificate");
        }
        if (!chain[0].getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new CliException("--tls-key: " + keyFile + " is a " + key.getAlgorithm() + " key but --tls-cert "
                    + certFile + " is for a " + chain[0].getPublicKey().getAlgorithm() + " key");
        }
        try {
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, pw, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            return kmf.getKeyManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException("--tls-key/--tls-cert: cannot use " + keyFile + " with " + certFile + ": "
                    + e.getMessage());
        }
    }

    private static PrivateKey key(Path file, String passphrase) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new CliException("--tls-key: cannot read " + file + ": " + e.getMessage());
        }
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String kind = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2).strip());
            switch (kind) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, der);
                }
                case "RSA PRIVATE KEY" -> {
                    if (m.group(2).contains("ENCRYPTED")) {
                        throw new CliException("--tls-key: " + file + " is an encrypted traditional RSA key;"
                                + " convert it with: openssl pkcs8 -topk8 -in KEY -out KEY8");
                    }
                    return pkcs8(file, wrapRsa(der));
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    if (passphrase == null) {
                        throw new CliException("--tls-key: " + file + " is encrypted; give --tls-passphrase");
                    }
                    try {
                        byte[] plain = Pbes2.decrypt(der, passphrase.toCharArray());
                        if (plain != null) {
                            // A wrong passphrase now and then decrypts to bytes with valid padding: what is not a
                            // key then is most likely the passphrase's fault.
                            try {
                                return pkcs8(file, plain);
                            } catch (CliException notAKey) {
                                throw new CliException("--tls-passphrase: cannot decrypt " + file
                                        + " (wrong passphrase?): what it gives is no private key");
                            }
                        }
                    } catch (GeneralSecurityException e) {
                        throw new CliException("--tls-passphrase: cannot decrypt " + file + " (wrong passphrase?): "
                                + e.getMessage());
                    }
                    try {
                        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
                        // OpenSSL 3 writes PBES2; the JDK names the scheme only through its parameters.
                        String alg = info.getAlgName();
                        if (alg.equals("PBES2") || alg.equals("1.2.840.113549.1.5.13")) {
                            alg = info.getAlgParameters().toString();
                        }
                        SecretKeyFactory f = SecretKeyFactory.getInstance(alg);
                        Cipher c = Cipher.getInstance(alg);
                        c.init(Cipher.DECRYPT_MODE, f.generateSecret(new PBEKeySpec(passphrase.toCharArray())),
                                info.getAlgParameters());
                        return pkcs8(file, info.getKeySpec(c).getEncoded());
                    } catch (IOException | GeneralSecurityException e) {
                        throw new CliException("--tls-passphrase: cannot decrypt " + file + ": " + e.getMessage()
                                + " (PBES2 with AES or 3DES is read: openssl pkcs8 -topk8 -v2 aes-256-cbc"
                                + " -in KEY -out NEWKEY)");
                    }
                }
                default -> {
                    // Certificates or parameters next to the key: skip them.
                }
            }
        }
        throw new CliException("--tls-key: " + file + " holds no PEM private key ('BEGIN PRIVATE KEY',"
                + " 'BEGIN ENCRYPTED PRIVATE KEY' or 'BEGIN RSA PRIVATE KEY')");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "DSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // Not this algorithm: try the next.
            }
        }
        throw new CliException("--tls-key: " + file + " holds a private key of a kind gatectl cannot read");
    }

    /** A PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, the key as OCTET STRING). */
    private static byte[] wrapRsa(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = tlv(0x04, pkcs1);
        byte[] body = new byte[version.length + algId.length + octet.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algId, 0, body, version.length, algId.length);
        System.arraycopy(octet, 0, body, version.length + algId.length, octet.length);
        return tlv(0x30, body);
    }

    private static byte[] tlv(int tag, byte[] value) {
        var out = new java.io.ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((n >>> (8 * i)) & 0xff);
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
