package io.gatehouse.admin.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Issues and checks the JSON Web Tokens handed out by {@code GET /v1/auth}, with claims {@code iss}
 * ({@code admin_jwt_issuer}), {@code sub}, {@code iat} and {@code exp}, signed as {@code admin_jwt_algorithm} says
 * ({@link JwtSigner}); no token lives longer than {@code admin_jwt_max_age}. With a random HMAC key (no
 * {@code admin_jwt_key}, no TLS key) tokens end with the process, as MaxScale's do. Thread-safe; no buffers.
 */
public final class JwtTokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private final JwtSigner signer;
    private final String issuer;
    private final long maxAgeSeconds;

    private JwtTokens(JwtSigner signer, String issuer, long maxAgeSeconds) {
        this.signer = signer;
        this.issuer = issuer;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    /** HS256 with a random key, for tests and embedders. */
    public JwtTokens(String issuer) {
        this(random(), issuer, 24 * 3600);
    }

    /**
     * The tokens of {@code admin_jwt_algorithm}, {@code admin_jwt_key}, {@code admin_jwt_issuer} and
     * {@code admin_jwt_max_age}; throws with a message naming the parameter when they cannot work.
     */
    public static JwtTokens of(String algorithm, String key, String issuer, long maxAgeSeconds, Path tlsKey,
                               Path tlsCert) throws Exception {
        return new JwtTokens(JwtSigner.of(algorithm, key, tlsKey, tlsCert), issuer, maxAgeSeconds);
    }

    private static JwtSigner random() {
        try {
            return JwtSigner.of("HS256", null, null, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The longest life a token may have ({@code admin_jwt_max_age}). */
    public long maxAgeSeconds() {
        return maxAgeSeconds;
    }

    /** A token for {@code user} valid for {@code ageSeconds}, at most {@link #maxAgeSeconds()}. */
    public String issue(String user, long ageSeconds) {
        long now = System.currentTimeMillis() / 1000;
        ObjectNode header = Json.object().put("alg", signer.headerAlg()).put("typ", "JWT");
        ObjectNode claims = Json.object().put("iss", issuer).put("sub", user).put("iat", now)
                .put("exp", now + Math.min(ageSeconds, maxAgeSeconds));
        String body = B64.encodeToString(bytes(header)) + "." + B64.encodeToString(bytes(claims));
        try {
            return body + "." + B64.encodeToString(signer.sign(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an admin token: " + e.getMessage(), e);
        }
    }

    /** The user a valid, unexpired token of this issuer and algorithm names, or null. */
    public String verify(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode header = Json.MAPPER.readTree(B64D.decode(parts[0]));
            // The header's algorithm must be ours: a token may not choose how it is checked ("alg": "none" and the like).
            if (!signer.headerAlg().equals(header.path("alg").asText())
                    || !signer.verify(parts[0] + "." + parts[1], B64D.decode(parts[2]))) {
                return null;
            }
            JsonNode claims = Json.MAPPER.readTree(B64D.decode(parts[1]));
            if (!issuer.equals(claims.path("iss").asText())
                    || claims.path("exp").asLong() < System.currentTimeMillis() / 1000) {
                return null;
            }
            return claims.path("sub").asText(null);
        } catch (IllegalArgumentException | java.io.IOException | java.security.GeneralSecurityException e) {
            return null;
        }
    }

    private static byte[] bytes(JsonNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }
}
