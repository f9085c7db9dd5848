package io.gatehouse.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The greeting nonce: printable, every printable byte possible, different per login. JUnit test thread. */
class LoginNonceTest {
    @Test
    void noncesArePrintableCoverTheWholeRangeAndDiffer() {
        int[] seen = new int[256];
        byte[] previous = null;
        for (int n = 0; n < 2000; n++) {
            byte[] nonce = new byte[20];
            LoginNonce.fill(nonce);
            for (byte b : nonce) {
                seen[b & 0xff]++;
            }
            assertThat(nonce).isNotEqualTo(previous);
            previous = nonce;
        }
        for (int b = 0; b < 256; b++) {
            if (b >= 33 && b <= 126) {
                // 40,000 bytes over 94 values: about 425 each; a mapping that missed part of the range would leave some at 0.
                assertThat(seen[b]).as("byte %d", b).isGreaterThan(300);
            } else {
                assertThat(seen[b]).as("byte %d", b).isZero();
            }
        }
        assertThat(Arrays.stream(seen).sum()).isEqualTo(40_000);
    }
}
