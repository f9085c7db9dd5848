package io.gatehouse.admin.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks the JSON Web Tokens handed out by {@code GET /v1/auth}: HS256 signed with a random key made at
 * start (so tokens end with the process, as MaxScale's do without {@code admin_jwt_key}), claims {@code iss},
 * {@code sub}, {@code iat}, {@code exp}. Thread-safe; no buffers.
 */
public final class JwtTokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private final byte[] key = new byte[32];
    private final String issuer;

    public JwtTokens(String issuer) {
        new SecureRandom().nextBytes(key);
        this.issuer = issuer;
    }

    /** A token for {@code user} valid for {@code maxAgeSeconds}. */
    public String issue(String user, long maxAgeSeconds) {
        long now = System.currentTimeMillis() / 1000;
        ObjectNode header = Json.object().put("alg", "HS256").put("typ", "JWT");
        ObjectNode claims = Json.object().put("iss", issuer).put("sub", user).put("iat", now).put("exp", now + maxAgeSeconds);
        String body = B64.encodeToString(bytes(header)) + "." + B64.encodeToString(bytes(claims));
        return body + "." + B64.encodeToString(sign(body));
    }

    /** The user a valid, unexpired token names, or null. */
    public String verify(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            byte[] sig = B64D.decode(parts[2]);
            if (!MessageDigest.isEqual(sig, sign(parts[0] + "." + parts[1]))) {
                return null;
            }
            JsonNode header = Json.MAPPER.readTree(B64D.decode(parts[0]));
            JsonNode claims = Json.MAPPER.readTree(B64D.decode(parts[1]));
            if (!"HS256".equals(header.path("alg").asText()) || !issuer.equals(claims.path("iss").asText())
                    || claims.path("exp").asLong() < System.currentTimeMillis() / 1000) {
                return null;
            }
            return claims.path("sub").asText(null);
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    private byte[] sign(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(JsonNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }
}
