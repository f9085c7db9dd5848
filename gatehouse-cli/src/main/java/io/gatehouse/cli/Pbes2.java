package io.gatehouse.cli;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts a PKCS#8 {@code ENCRYPTED PRIVATE KEY} protected with PBES2 (PBKDF2 and AES-CBC or 3DES-CBC), the forms
 * OpenSSL writes (its {@code req} encrypts with 3DES, which the JDK's EncryptedPrivateKeyInfo cannot read). Reads
 * the DER itself; returns the plain PKCS#8 key, or null when the key is not PBES2 with a scheme listed here.
 * Stateless; command thread.
 */
final class Pbes2 {
    private static final String PBES2 = "2a864886f70d01050d";
    private static final String PBKDF2 = "2a864886f70d01050c";
    private static final Map<String, String> PRF = Map.of("2a864886f70d0207", "PBKDF2WithHmacSHA1",
            "2a864886f70d0208", "PBKDF2WithHmacSHA224", "2a864886f70d0209", "PBKDF2WithHmacSHA256",
            "2a864886f70d020a", "PBKDF2WithHmacSHA384", "2a864886f70d020b", "PBKDF2WithHmacSHA512");
    /** Encryption scheme OID: {JCE algorithm, key length in bytes}. */
    private static final Map<String, String[]> CIPHER = Map.of("2a864886f70d0307", new String[] {"DESede", "24"},
            "608648016503040102", new String[] {"AES", "16"}, "608648016503040116", new String[] {"AES", "24"},
            "60864801650304012a", new String[] {"AES", "32"});

    private Pbes2() {
    }

    /** The PKCS#8 key inside {@code der}; null when it is not a PBES2 form handled here. */
    static byte[] decrypt(byte[] der, char[] passphrase) throws GeneralSecurityException {
        try {
            Der info = new Der(der).seq();
            Der alg = info.seq();
            if (!alg.oid().equals(PBES2)) {
                return null;
            }
            Der params = alg.seq();
            Der kdf = params.seq();
            if (!kdf.oid().equals(PBKDF2)) {
                return null;
            }
            Der kdfParams = kdf.seq();
            byte[] salt = kdfParams.value(0x04);
            int iterations = new BigInteger(1, kdfParams.value(0x02)).intValueExact();
            int keyLength = -1;
            String prf = "PBKDF2WithHmacSHA1";
            if (kdfParams.more() && kdfParams.peek() == 0x02) {
                keyLength = new BigInteger(1, kdfParams.value(0x02)).intValueExact();
            }
            if (kdfParams.more()) {
                prf = PRF.get(kdfParams.seq().oid());
            }
            Der enc = params.seq();
            String[] cipher = CIPHER.get(enc.oid());
            if (prf == null || cipher == null) {
                return null;
            }
            byte[] iv = enc.value(0x04);
            byte[] data = info.value(0x04);
            int length = keyLength > 0 ? keyLength : Integer.parseInt(cipher[1]);
            byte[] key = SecretKeyFactory.getInstance(prf)
                    .generateSecret(new PBEKeySpec(passphrase, salt, iterations, length * 8)).getEncoded();
            Cipher c = Cipher.getInstance(cipher[0] + "/CBC/PKCS5Padding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, cipher[0]), new IvParameterSpec(iv));
            return c.doFinal(data);
        } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
            throw new GeneralSecurityException("malformed encrypted key: " + e.getMessage());
        }
    }

    /** A cursor over DER: reads one element at a time from a byte range. */
    private static final class Der {
        private final byte[] b;
        private int pos;
        private final int end;

        Der(byte[] b) {
            this(b, 0, b.length);
        }

        private Der(byte[] b, int from, int to) {
            this.b = b;
            this.pos = from;
            this.end = to;
        }

        boolean more() {
            return pos < end;
        }

        int peek() {
            return b[pos] & 0xff;
        }

        /** The next element's contents, which must have tag {@code tag}. */
        byte[] value(int tag) {
            int[] at = header(tag);
            byte[] v = java.util.Arrays.copyOfRange(b, at[0], at[1]);
            pos = at[1];
            return v;
        }

        Der seq() {
            int[] at = header(0x30);
            pos = at[1];
            return new Der(b, at[0], at[1]);
        }

        String oid() {
            return HexFormat.of().formatHex(value(0x06));
        }

        /** Checks the tag and returns {start, end} of the contents. */
        private int[] header(int tag) {
            if (pos >= end || (b[pos] & 0xff) != tag) {
                throw new IllegalArgumentException("expected DER tag " + tag + " at " + pos);
            }
            int len = b[pos + 1] & 0xff;
            int start = pos + 2;
            if (len > 0x80) {
                int n = len & 0x7f;
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = len << 8 | (b[start + i] & 0xff);
                }
                start += n;
            }
            if (start + len > end) {
                throw new IllegalArgumentException("DER length past the end at " + pos);
            }
            return new int[] {start, start + len};
        }
    }
}
