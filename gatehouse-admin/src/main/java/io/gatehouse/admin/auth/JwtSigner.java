package io.gatehouse.admin.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the signature part of the admin API's JSON Web Tokens with the algorithm of
 * {@code admin_jwt_algorithm}: HMAC (HS256/384/512) with {@code admin_jwt_key} or a random key made at start, or a
 * public-key algorithm (RS*, PS*, ES*, ED25519, ED448) with the admin TLS key ({@code admin_ssl_key}, PKCS#8 PEM)
 * and the public key of {@code admin_ssl_cert}. {@code auto} picks the TLS key's own algorithm when the API has
 * one, else HS256. Immutable and thread-safe (each call makes its own {@link Mac} or {@link Signature}); no buffers.
 */
final class JwtSigner {
    private final String name;
    private final String headerAlg;
    private final byte[] secret;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private JwtSigner(String name, byte[] secret, PrivateKey privateKey, PublicKey publicKey) {
        this.name = name;
        this.headerAlg = name.startsWith("ED") ? "EdDSA" : name;
        this.secret = secret;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * The signer for {@code algorithm} ({@code auto} or one of MaxScale's names); {@code key} is
     * {@code admin_jwt_key} (null or empty for a random one), {@code tlsKey}/{@code tlsCert} the admin TLS files
     * (null without HTTPS). Throws with a message naming the parameter when they do not fit together.
     */
    static JwtSigner of(String algorithm, String key, Path tlsKey, Path tlsCert) throws Exception {
        String alg = algorithm == null ? "auto" : algorithm.toUpperCase(Locale.ROOT);
        boolean haveTls = tlsKey != null && tlsCert != null;
        if (alg.equals("AUTO")) {
            if (!haveTls) {
                alg = "HS256";
            } else {
                PrivateKey k = privateKey(tlsKey);
                alg = switch (k.getAlgorithm()) {
                    case "RSA" -> "PS256";
                    case "EC" -> ((ECKey) k).getParams().getCurve().getField().getFieldSize() > 256 ? "ES384" : "ES256";
                    case "Ed25519", "Ed448", "EdDSA" ->
                            "Ed448".equals(((java.security.interfaces.EdECKey) k).getParams().getName())
                                    ? "ED448" : "ED25519";
                    default -> "HS256";
                };
            }
        }
        if (alg.startsWith("HS")) {
            byte[] secret;
            if (key != null && !key.isEmpty()) {
                secret = key.getBytes(StandardCharsets.UTF_8);
            } else {
                secret = new byte[64];
                new SecureRandom().nextBytes(secret);
            }
            JwtSigner s = new JwtSigner(alg, secret, null, null);
            s.sign("check");
            return s;
        }
        if (!haveTls) {
            throw new IllegalArgumentException("admin_jwt_algorithm=" + algorithm + " signs with the admin TLS key:"
                    + " set admin_ssl_key and admin_ssl_cert, or use HS256, HS384 or HS512");
        }
        JwtSigner s = new JwtSigner(alg, null, privateKey(tlsKey), publicKey(tlsCert));
        try {
            byte[] sig = s.sign("check");
            if (!s.verify("check", sig)) {
                throw new IllegalArgumentException("the key and the certificate do not belong together");
            }
        } catch (java.security.GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException("admin_jwt_algorithm=" + algorithm + " cannot sign with admin_ssl_key "
                    + tlsKey + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** The name MaxScale uses for the algorithm. */
    String name() {
        return name;
    }

    /** The {@code alg} of the token header (RFC 7518, EdDSA for both Edwards curves as RFC 8037 says). */
    String headerAlg() {
        return headerAlg;
    }

    byte[] sign(String data) throws java.security.GeneralSecurityException {
        byte[] bytes = data.getBytes(StandardCharsets.US_ASCII);
        if (secret != null) {
            Mac mac = Mac.getInstance(hmac());
            mac.init(new SecretKeySpec(secret, hmac()));
            return mac.doFinal(bytes);
        }
        Signature s = signature();
        s.initSign(privateKey);
        s.update(bytes);
        return s.sign();
    }

    boolean verify(String data, byte[] signature) throws java.security.GeneralSecurityException {
        if (secret != null) {
            return MessageDigest.isEqual(signature, sign(data));
        }
        Signature s = signature();
        s.initVerify(publicKey);
        s.update(data.getBytes(StandardCharsets.US_ASCII));
        return s.verify(signature);
    }

    private String hmac() {
        return "HmacSHA" + name.substring(2);
    }

    private Signature signature() throws java.security.GeneralSecurityException {
        String bits = name.length() > 2 ? name.substring(2) : "";
        return switch (name.substring(0, 2)) {
            case "RS" -> Signature.getInstance("SHA" + bits + "withRSA");
            case "PS" -> {
                Signature s = Signature.getInstance("RSASSA-PSS");
                String digest = "SHA-" + bits;
                s.setParameter(new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest),
                        Integer.parseInt(bits) / 8, 1));
                yield s;
            }
            // JWS carries ECDSA signatures as R and S side by side, not in DER.
            case "ES" -> Signature.getInstance("SHA" + bits + "withECDSAinP1363Format");
            case "ED" -> Signature.getInstance(name.equals("ED448") ? "Ed448" : "Ed25519");
            default -> throw new IllegalArgumentException("unknown JWT algorithm " + name);
        };
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String text = Files.readString(pem);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < 0) {
            throw new IllegalArgumentException("admin_ssl_key " + pem + " must be a PKCS#8 PEM key ('BEGIN PRIVATE"
                    + " KEY') to sign admin tokens with it; convert it with 'openssl pkcs8 -topk8 -nocrypt'");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String kind : new String[] {"RSA", "EC", "EdDSA", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(kind).generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException e) {
                // Not this kind of key: try the next.
            }
        }
        throw new IllegalArgumentException("admin_ssl_key " + pem + " holds a key of a kind tokens cannot be signed with");
    }

    private static PublicKey publicKey(Path cert) throws Exception {
        try (var in = Files.newInputStream(cert)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getPublicKey();
        }
    }
}
