package io.gatehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded fuzzing: random bytes and mutations of real statements must never throw, hang or yield a replica-safe
 * classification for input the classifier marked unknown.
 */
class ClassifierFuzzTest {
    private static final String[] SEEDS = {
        "SELECT c FROM sbtest1 WHERE id = 5", "UPDATE t SET a = 'x\\'y' WHERE b IN (1, 2)",
        "INSERT INTO `db`.`t` (a, b) VALUES (1, \"two\"), (?, @v)", "/*!40101 SET NAMES utf8 */; SELECT 1",
        "SELECT /*+ hint */ a FROM t FOR UPDATE", "SET autocommit=0", "PREPARE s FROM 'SELECT ?'",
        "EXECUTE IMMEDIATE 'DELETE FROM t'", "WITH c (a) AS (SELECT 1) SELECT * FROM c", "CALL p(@@global.x)",
        "SELECT 0x1F, b'01', X'AB', 1.5e-3 -- c\n# d\n", "CREATE TEMPORARY TABLE t1 (a int)",
        "SELECT JSON_TABLE('[]', '$' COLUMNS (a INT PATH '$')) ", "BEGIN NOT ATOMIC SELECT 1; END",
        "SET STATEMENT max_statement_time=1 FOR SELECT 1", "XA START 'x'", "SELECT NEXT VALUE FOR s",
    };
    private static final byte[] ALPHABET = "'\"`\\/*!M-#;()@?.,=: \n\tSELECTFROMINTO0x1b".getBytes(StandardCharsets.UTF_8);

    @Test
    @Timeout(60)
    void randomAndMutatedInputNeverBreaksTheClassifier() {
        Classifier classifier = new Classifier();
        SplittableRandom random = new SplittableRandom(20240601L);
        int iterations = 200_000;
        for (int n = 0; n < iterations; n++) {
            byte[] input = n % 2 == 0 ? randomBytes(random) : mutate(random);
            SqlMode mode = SqlMode.of(random.nextBoolean(), random.nextBoolean());
            Classification c = classifier.classify(input, 0, input.length, mode);
            assertThat(c).isNotNull();
            if (c.isUnknown()) {
                assertThat(c.isReadOnlySafe()).isFalse();
                assertThat(c.isWrite()).isTrue();
            }
            if (n % 50 == 0) {
                c.canonical();
                c.tablesRead();
                c.functions();
                c.preparedSql();
            }
        }
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] b = new byte[random.nextInt(120)];
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return b;
    }

    private static byte[] mutate(SplittableRandom random) {
        byte[] b = SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8);
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int pos = b.length == 0 ? 0 : random.nextInt(b.length);
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[pos] = ALPHABET[random.nextInt(ALPHABET.length)];
                    }
                }
                case 1 -> b = java.util.Arrays.copyOf(b, pos); // truncate
                case 2 -> {
                    byte[] grown = new byte[b.length + 1];
                    System.arraycopy(b, 0, grown, 0, pos);
                    grown[pos] = (byte) random.nextInt(256);
                    System.arraycopy(b, pos, grown, pos + 1, b.length - pos);
                    b = grown;
                }
                default -> {
                    byte[] doubled = new byte[b.length * 2];
                    System.arraycopy(b, 0, doubled, 0, b.length);
                    System.arraycopy(b, 0, doubled, b.length, b.length);
                    b = doubled;
                }
            }
        }
        return b;
    }
}
