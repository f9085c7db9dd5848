package io.gatehouse.core.tls;

/**
 * Turns a failed TLS handshake into the sentence a user can act on. TLS engines wrap the reason (the trust
 * manager's "unable to find valid certification path", "No subject alternative names matching ...") in generic
 * exceptions such as "General OpenSslEngine problem"; the most specific message is the deepest one. Stateless; any
 * thread.
 */
public final class TlsErrors {
    private TlsErrors() {
    }

    /** The message of the deepest cause that has one, or the exception's class name when none does. */
    public static String reason(Throwable failure) {
        String reason = null;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = t.getMessage();
            }
        }
        return reason != null ? reason : failure.getClass().getSimpleName();
    }
}
