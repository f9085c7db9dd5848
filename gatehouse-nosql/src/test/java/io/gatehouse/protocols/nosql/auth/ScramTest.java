package io.gatehouse.protocols.nosql.auth;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SCRAM arithmetic against RFC 7677's SCRAM-SHA-256 example and RFC 5802's SCRAM-SHA-1 one, whole exchanges with a
 * right and a wrong password for both mechanisms, and the sealed MariaDB password a shared account keeps.
 */
class ScramTest {
    private static final Base64.Decoder B64 = Base64.getDecoder();

    @Test
    void rfc7677ExampleVerifies() {
        Scram.Keys keys = Scram.derive(Scram.Mechanism.SHA_256, "user", "pencil", B64.decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096).keys();
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
                + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
                + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        assertThat(Scram.verify(keys, authMessage, B64.decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))).isNotNull();
        assertThat(Base64.getEncoder().encodeToString(Scram.serverSignature(keys, authMessage)))
                .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        byte[] wrong = B64.decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        wrong[0] ^= 1;
        assertThat(Scram.verify(keys, authMessage, wrong)).isNull();
    }

    @Test
    void mongoDbScramSha1DigestsThePasswordFirst() {
        // MongoDB's SCRAM-SHA-1 runs PBKDF2 on hex(md5("user:mongo:pencil")), as its drivers do.
        assertThat(Scram.Mechanism.SHA_1.input("user", "pencil")).isEqualTo("1c33006ec1ffd90f9cadcbcc0e118200");
        assertThat(Scram.Mechanism.SHA_256.input("user", "pencil")).isEqualTo("pencil");
    }

    @Test
    void conversationsAcceptTheRightPasswordOnly() {
        for (Scram.Mechanism m : Scram.Mechanism.values()) {
            NosqlAccount account = NosqlAccount.create("db", "u", "db.u", "%", "pw", EnumSet.of(m), new BsonArray(),
                    new BsonDocument());
            assertThat(finish(account, m, "pw").mariadbPassword()).isEqualTo("pw");
            assertThatThrownBy(() -> finish(account, m, "pw2")).isInstanceOf(ScramConversation.ScramException.class);
        }
    }

    @Test
    void aSharedAccountsPasswordIsOpenedOnlyByALogin() {
        NosqlAccount created = NosqlAccount.create("db", "u", "db.u", "%", "pw", EnumSet.allOf(Scram.Mechanism.class),
                new BsonArray(), new BsonDocument());
        BsonDocument shared = created.toDocument(false);
        assertThat(shared.toJson()).doesNotContain("\"pw\"").doesNotContain("mariadb_password");
        NosqlAccount loaded = NosqlAccount.fromDocument(shared);
        assertThat(loaded.mariadbPassword()).isNull();
        assertThat(loaded.mechanisms()).containsExactly(Scram.Mechanism.SHA_256, Scram.Mechanism.SHA_1);
        for (Scram.Mechanism m : Scram.Mechanism.values()) {
            assertThat(finish(loaded, m, "pw").mariadbPassword()).isEqualTo("pw");
        }
        byte[] wrongKey = new byte[32];
        assertThatThrownBy(() -> PasswordSeal.open(wrongKey, "db.u", loaded.sealed().get(Scram.Mechanism.SHA_256)))
                .isInstanceOf(IllegalArgumentException.class);
        // The first file format (SCRAM-SHA-256 keys at the top level, the password as it is) still loads.
        Scram.Keys k = created.keys().get(Scram.Mechanism.SHA_256);
        BsonDocument old = BsonDocument.parse("{db: 'db', user: 'u', mariadb_user: 'db.u', mariadb_host: '%', "
                + "mariadb_password: 'pw', iterations: " + k.iterations() + "}");
        old.append("salt", new org.bson.BsonBinary(k.salt())).append("stored_key", new org.bson.BsonBinary(k.storedKey()))
                .append("server_key", new org.bson.BsonBinary(k.serverKey()));
        NosqlAccount v1 = NosqlAccount.fromDocument(old);
        assertThat(v1.keys()).containsOnlyKeys(Scram.Mechanism.SHA_256);
        assertThat(finish(v1, Scram.Mechanism.SHA_256, "pw").mariadbPassword()).isEqualTo("pw");
        assertThat(v1.sealed()).isEqualTo(Map.of());
    }

    /** Plays the client side of RFC 5802 with {@code password}; returns the verified account. */
    private static NosqlAccount finish(NosqlAccount account, Scram.Mechanism m, String password) {
        String clientFirst = "n,,n=u,r=abcdef";
        assertThat(ScramConversation.userOf(clientFirst)).isEqualTo("u");
        ScramConversation c = ScramConversation.start(account, m, clientFirst);
        String serverFirst = c.serverFirst();
        String nonce = serverFirst.split(",")[0].substring(2);
        assertThat(nonce).startsWith("abcdef");
        String withoutProof = "c=biws,r=" + nonce;
        String authMessage = "n=u,r=abcdef," + serverFirst + "," + withoutProof;
        Scram.Keys keys = account.keys().get(m);
        byte[] salted = m.pbkdf2(m.input("u", password), keys.salt(), keys.iterations());
        byte[] clientKey = m.hmac(salted, "Client Key");
        byte[] signature = m.hmac(m.hash(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        assertThat(c.verifiedAccount()).isNull();
        String serverFinal = c.finish(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
        byte[] expected = m.hmac(m.hmac(salted, "Server Key"), authMessage);
        assertThat(serverFinal).isEqualTo("v=" + Base64.getEncoder().encodeToString(expected));
        assertThat(new String(B64.decode("biws"), StandardCharsets.UTF_8)).isEqualTo("n,,");
        return c.verifiedAccount();
    }
}
