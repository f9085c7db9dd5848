package io.gatehouse.core.session;

import java.security.SecureRandom;

/**
 * The random nonce of a login greeting, made of printable bytes as servers send them (some clients mishandle NUL or
 * high bytes in it); called on the accepting worker when a client session is created, shared by all workers, holds
 * no buffers. One draw from the shared {@link SecureRandom} per nonce, instead of one per byte: each draw takes the
 * generator's lock (and, for the default NativePRNG, a read of the system source and a SHA-1 mix), which made the
 * per-byte draws a large part of a login's cost and a point where the workers waited on each other.
 */
final class LoginNonce {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Printable ASCII from '!' (33) to '~' (126). */
    private static final int FIRST = 33;
    private static final int RANGE = 94;
    /** Random bytes at or above this would make some printable bytes likelier than others: they are skipped. */
    private static final int UNBIASED_LIMIT = 256 - 256 % RANGE;

    private LoginNonce() {
    }

    /** Fills {@code nonce} with uniformly random printable bytes. */
    static void fill(byte[] nonce) {
        // About a quarter of the random bytes are skipped: twice the length suffices in one draw for all but about
        // one nonce in 2,000, which takes a second draw.
        byte[] random = new byte[nonce.length * 2];
        int filled = 0;
        while (filled < nonce.length) {
            RANDOM.nextBytes(random);
            for (int i = 0; i < random.length && filled < nonce.length; i++) {
                int b = random[i] & 0xff;
                if (b < UNBIASED_LIMIT) {
                    nonce[filled++] = (byte) (FIRST + b % RANGE);
                }
            }
        }
    }
}
