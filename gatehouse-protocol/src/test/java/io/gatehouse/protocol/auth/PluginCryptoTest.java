package io.gatehouse.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

/** The server-side checks of the ed25519 and SHA-256 plugins, against what a client computes. */
class PluginCryptoTest {
    private static final byte[] NONCE = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);

    @Test
    void anEd25519SignatureOfTheScrambleVerifiesWithTheStoredKeyOnly() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] encoded = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        // MariaDB stores the key in base64 without padding.
        String stored = Base64.getEncoder().withoutPadding().encodeToString(raw);
        assertThat(Ed25519Password.publicKey(stored)).isEqualTo(raw);
        byte[] scramble = new byte[32];
        Arrays.fill(scramble, (byte) 7);
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(pair.getPrivate());
        s.update(scramble);
        byte[] signature = s.sign();
        assertThat(Ed25519Password.verify(raw, scramble, signature)).isTrue();
        scramble[0] ^= 1;
        assertThat(Ed25519Password.verify(raw, scramble, signature)).isFalse();
        assertThat(Ed25519Password.verify(raw, scramble, new byte[10])).isFalse();
        assertThatThrownBy(() -> Ed25519Password.publicKey("c2hvcnQ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFastPathProvesThePasswordWithoutRevealingIt() {
        byte[] stage2 = Sha2Password.stage2("s3cret");
        assertThat(Sha2Password.verifyFast(Sha2Password.scramble("s3cret", NONCE), stage2, NONCE)).isTrue();
        assertThat(Sha2Password.verifyFast(Sha2Password.scramble("other", NONCE), stage2, NONCE)).isFalse();
        assertThat(Sha2Password.verifyFast(Sha2Password.scramble("s3cret", NONCE), stage2, new byte[20])).isFalse();
    }

    @Test
    void aProxyThatSawAFastPathLoginCanMakeTheNextFastPathTokenButNotTheStage2() {
        byte[] stage2 = Sha2Password.stage2("s3cret");
        byte[] token = Sha2Password.scramble("s3cret", NONCE);
        byte[] stage1 = Sha2Password.stage1(token, stage2, NONCE);
        byte[] backendNonce = "another 20-byte salt".getBytes(StandardCharsets.US_ASCII);
        assertThat(Sha2Password.scrambleWithStage1(stage1, backendNonce))
                .isEqualTo(Sha2Password.scramble("s3cret", backendNonce));
        assertThat(Sha2Password.verifyFast(Sha2Password.scrambleWithStage1(stage1, backendNonce), stage2, backendNonce))
                .isTrue();
        assertThat(Sha2Password.stage1(token, Sha2Password.stage2("other"), NONCE)).isNotEqualTo(stage1);
    }

    @Test
    void theClientSideRsaAnswerDecryptsWithTheServersKeyFromItsPem() throws Exception {
        KeyPair keys = Sha2Password.newKeyPair();
        java.security.PublicKey parsed = Sha2Password.publicKey(Sha2Password.pem(keys));
        assertThat(parsed.getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        byte[] answer = Sha2Password.encryptPassword(parsed, "pässword".getBytes(StandardCharsets.UTF_8), NONCE);
        assertThat(Sha2Password.decryptPassword(keys.getPrivate(), answer, NONCE)).isEqualTo("pässword");
        assertThatThrownBy(() -> Sha2Password.publicKey("-----BEGIN PUBLIC KEY-----\n%%%\n-----END PUBLIC KEY-----\n"))
                .isInstanceOf(java.security.GeneralSecurityException.class);
    }

    @Test
    void parsecAnswersVerifyAgainstTheStoredKeyOnlyForTheRightPassword() {
        String stored = ParsecPassword.authString("pärsec", 0);
        assertThat(stored).matches("P0:[A-Za-z0-9+/]{24}:[A-Za-z0-9+/]{43}");
        ParsecPassword.Stored account = ParsecPassword.parse(stored);
        byte[] scramble = "a 32-byte scramble of the server".getBytes(StandardCharsets.US_ASCII);
        byte[] answer = ParsecPassword.respond("pärsec", scramble, account.extSalt());
        assertThat(answer).hasSize(ParsecPassword.RESPONSE_LENGTH);
        assertThat(ParsecPassword.verify(account, scramble, answer)).isTrue();
        assertThat(ParsecPassword.verify(account, scramble, ParsecPassword.respond("parsec", scramble,
                account.extSalt()))).isFalse();
        byte[] other = "another scramble, 32 bytes long".getBytes(StandardCharsets.US_ASCII);
        assertThat(ParsecPassword.verify(account, Arrays.copyOf(other, 32), answer)).as("a replayed answer").isFalse();
        assertThatThrownBy(() -> ParsecPassword.parse("P9:abc:def")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParsecPassword.respond("x", scramble, new byte[] {'P', 7}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seedSignaturesAreStandardEd25519AsTheJdkMakesThem() throws Exception {
        byte[] seed = new byte[32];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) (i * 7 + 1);
        }
        byte[] message = "parsec signs both scrambles".getBytes(StandardCharsets.US_ASCII);
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("Ed25519").generatePrivate(
                new java.security.spec.EdECPrivateKeySpec(java.security.spec.NamedParameterSpec.ED25519, seed));
        java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
        jdk.initSign(key);
        jdk.update(message);
        // Ed25519 signatures are deterministic: the same seed and message give the same bytes.
        assertThat(Ed25519Signer.sign(seed, message)).isEqualTo(jdk.sign());
        assertThat(Ed25519Password.verify(Ed25519Signer.publicKey(seed), message, Ed25519Signer.sign(seed, message)))
                .isTrue();
    }

    @Test
    void rsaAnswersDecryptWithEitherPadding() throws Exception {
        KeyPair keys = Sha2Password.newKeyPair();
        assertThat(Sha2Password.pem(keys)).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        byte[] plain = "pässword\0".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= NONCE[i % NONCE.length];
        }
        for (String padding : new String[] {"RSA/ECB/OAEPWithSHA-1AndMGF1Padding", "RSA/ECB/PKCS1Padding"}) {
            Cipher c = Cipher.getInstance(padding);
            c.init(Cipher.ENCRYPT_MODE, keys.getPublic());
            assertThat(Sha2Password.decryptPassword(keys.getPrivate(), c.doFinal(plain), NONCE)).isEqualTo("pässword");
        }
        assertThat(Sha2Password.cleartext("abc\0".getBytes(StandardCharsets.UTF_8))).isEqualTo("abc");
    }

    @Test
    void signaturesMadeFromAPasswordVerifyWithTheJdkAndTheStoredKey() {
        byte[] scramble = "the 32-byte scramble of a server".getBytes(StandardCharsets.US_ASCII);
        byte[] key = Ed25519Signer.publicKey("edpwd");
        byte[] signature = Ed25519Signer.sign("edpwd", scramble);
        assertThat(signature).hasSize(64);
        assertThat(Ed25519Password.verify(key, scramble, signature)).isTrue();
        assertThat(Ed25519Password.verify(Ed25519Signer.publicKey("other"), scramble, signature)).isFalse();
        assertThat(Ed25519Password.verify(key, scramble, Ed25519Signer.sign("other", scramble))).isFalse();
    }
}
