package io.gatehouse.protocols.nosql.auth;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SCRAM-SHA-256 arithmetic against RFC 7677's example, and a whole exchange with a right and a wrong password. */
class ScramSha256Test {
    private static final Base64.Decoder B64 = Base64.getDecoder();

    @Test
    void rfc7677ExampleVerifies() {
        ScramSha256.Keys keys = ScramSha256.derive("pencil", B64.decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
                + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
                + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        assertThat(ScramSha256.verify(keys, authMessage, B64.decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))).isTrue();
        assertThat(Base64.getEncoder().encodeToString(ScramSha256.serverSignature(keys, authMessage)))
                .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        byte[] wrong = B64.decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        wrong[0] ^= 1;
        assertThat(ScramSha256.verify(keys, authMessage, wrong)).isFalse();
    }

    @Test
    void aConversationAcceptsTheRightPasswordOnly() {
        NosqlAccount account = new NosqlAccount("db", "u", "db.u", "%", "pw", ScramSha256.derive("pw", new byte[16], 4096),
                new BsonArray(), new BsonDocument());
        assertThat(finish(account, "pw")).isNotNull();
        assertThatThrownBy(() -> finish(account, "pw2")).isInstanceOf(ScramConversation.ScramException.class);
    }

    /** Plays the client side of RFC 5802 with {@code password}; returns the verified account. */
    private static NosqlAccount finish(NosqlAccount account, String password) {
        String clientFirst = "n,,n=u,r=abcdef";
        assertThat(ScramConversation.userOf(clientFirst)).isEqualTo("u");
        ScramConversation c = ScramConversation.start(account, clientFirst);
        String serverFirst = c.serverFirst();
        String nonce = serverFirst.split(",")[0].substring(2);
        assertThat(nonce).startsWith("abcdef");
        String withoutProof = "c=biws,r=" + nonce;
        String authMessage = "n=u,r=abcdef," + serverFirst + "," + withoutProof;
        byte[] salted = ScramSha256.pbkdf2(password, account.keys().salt(), account.keys().iterations());
        byte[] clientKey = ScramSha256.hmac(salted, "Client Key");
        byte[] signature = ScramSha256.hmac(ScramSha256.sha256(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        assertThat(c.verifiedAccount()).isNull();
        String serverFinal = c.finish(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
        byte[] expected = ScramSha256.hmac(ScramSha256.hmac(salted, "Server Key"), authMessage);
        assertThat(serverFinal).isEqualTo("v=" + Base64.getEncoder().encodeToString(expected));
        assertThat(new String(B64.decode("biws"), StandardCharsets.UTF_8)).isEqualTo("n,,");
        return c.verifiedAccount();
    }
}
