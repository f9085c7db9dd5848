package io.gatehouse.protocol.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The client half of MariaDB's {@code client_ed25519}: signs the server's scramble with the key MariaDB derives
 * from a password (the SHA-512 of the password is the expanded secret key, where standard Ed25519 hashes a 32-byte
 * seed), so that Gatehouse can log into ed25519 backend accounts when it knows the client's password. The curve
 * arithmetic follows RFC 8032 with extended coordinates; the JDK verifies the signatures it makes. Stateless and
 * immutable; any thread. Speed is that of a login, not of a hot path.
 */
public final class Ed25519Signer {
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger D2 = D.shiftLeft(1).mod(P);
    private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    private static final BigInteger[] BASE = base();

    private Ed25519Signer() {
    }

    /** The 64-byte signature of {@code message} by the key of {@code password}. */
    public static byte[] sign(String password, byte[] message) {
        return sign(password.getBytes(StandardCharsets.UTF_8), message);
    }

    /**
     * The signature of {@code message} by the key of {@code secret}: with a 32-byte seed this is standard Ed25519
     * (parsec's PBKDF2-derived key), with a password's bytes MariaDB's ed25519.
     */
    public static byte[] sign(byte[] secret, byte[] message) {
        byte[] az = sha512(secret);
        byte[] scalar = Arrays.copyOf(az, 32);
        scalar[0] &= (byte) 248;
        scalar[31] &= 63;
        scalar[31] |= 64;
        BigInteger a = littleEndian(scalar);
        byte[] publicKey = encode(multiply(a));
        BigInteger r = littleEndian(sha512(Arrays.copyOfRange(az, 32, 64), message)).mod(L);
        byte[] bigR = encode(multiply(r));
        BigInteger k = littleEndian(sha512(bigR, publicKey, message)).mod(L);
        BigInteger s = r.add(k.multiply(a)).mod(L);
        byte[] out = Arrays.copyOf(bigR, 64);
        System.arraycopy(toLittleEndian(s), 0, out, 32, 32);
        return out;
    }

    /** The 32-byte public key of {@code password}, as MariaDB stores it (before base64). */
    public static byte[] publicKey(String password) {
        return publicKey(password.getBytes(StandardCharsets.UTF_8));
    }

    /** The 32-byte public key of {@code secret} (a seed or a password's bytes, as for signing). */
    public static byte[] publicKey(byte[] secret) {
        byte[] scalar = Arrays.copyOf(sha512(secret), 32);
        scalar[0] &= (byte) 248;
        scalar[31] &= 63;
        scalar[31] |= 64;
        return encode(multiply(littleEndian(scalar)));
    }

    /** k times the base point, by double-and-add over the bits of k. */
    private static BigInteger[] multiply(BigInteger k) {
        BigInteger[] result = {BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
        BigInteger[] addend = BASE;
        for (int i = 0; i < k.bitLength(); i++) {
            if (k.testBit(i)) {
                result = add(result, addend);
            }
            addend = add(addend, addend);
        }
        return result;
    }

    /** Point addition in extended coordinates (X, Y, Z, T); complete, so it also doubles. */
    private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
        BigInteger a = p[1].subtract(p[0]).multiply(q[1].subtract(q[0])).mod(P);
        BigInteger b = p[1].add(p[0]).multiply(q[1].add(q[0])).mod(P);
        BigInteger c = p[3].multiply(D2).multiply(q[3]).mod(P);
        BigInteger d = p[2].shiftLeft(1).multiply(q[2]).mod(P);
        BigInteger e = b.subtract(a);
        BigInteger f = d.subtract(c);
        BigInteger g = d.add(c);
        BigInteger h = b.add(a);
        return new BigInteger[] {e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P), e.multiply(h).mod(P)};
    }

    private static byte[] encode(BigInteger[] point) {
        BigInteger zInv = point[2].modInverse(P);
        BigInteger x = point[0].multiply(zInv).mod(P);
        BigInteger y = point[1].multiply(zInv).mod(P);
        byte[] out = toLittleEndian(y);
        if (x.testBit(0)) {
            out[31] |= (byte) 0x80;
        }
        return out;
    }

    private static BigInteger[] base() {
        BigInteger y = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
        BigInteger y2 = y.multiply(y).mod(P);
        BigInteger x2 = y2.subtract(BigInteger.ONE).multiply(D.multiply(y2).add(BigInteger.ONE).modInverse(P)).mod(P);
        BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
        if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
            x = x.multiply(SQRT_M1).mod(P);
        }
        if (x.testBit(0)) {
            x = P.subtract(x);                 // the base point's x is even
        }
        return new BigInteger[] {x, y, BigInteger.ONE, x.multiply(y).mod(P)};
    }

    private static BigInteger littleEndian(byte[] bytes) {
        byte[] be = new byte[bytes.length + 1];
        for (int i = 0; i < bytes.length; i++) {
            be[bytes.length - i] = bytes[i];
        }
        return new BigInteger(be);
    }

    private static byte[] toLittleEndian(BigInteger n) {
        byte[] be = n.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    private static byte[] sha512(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JDK", e);
        }
    }
}
