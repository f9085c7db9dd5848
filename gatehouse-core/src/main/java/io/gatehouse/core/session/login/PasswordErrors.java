package io.gatehouse.core.session.login;

import io.gatehouse.core.users.UserAccount;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consecutive wrong passwords per account, for the server's {@code max_password_errors} when Gatehouse checks the
 * password itself (the server never sees those attempts): at the limit the account is refused with error 4150, even
 * with the right password, as the server does. A success resets the count. The count belongs to the account's
 * stored credential, so changing the password (ALTER USER, seen at the next account reload) lifts the block, as
 * the server's FLUSH PRIVILEGES does for its own count. Accounts with SUPER whose host is local are exempt, as on
 * the server. Shared by every worker: a concurrent map of counters; no buffers.
 */
final class PasswordErrors {
    /** Beyond this many counted accounts the counts start again: memory cannot grow without bound. */
    private static final int MAX_ACCOUNTS = 100_000;
    private static final ConcurrentHashMap<String, Integer> COUNTS = new ConcurrentHashMap<>();

    private PasswordErrors() {
    }

    static boolean blocked(String service, UserAccount a, long maxPasswordErrors) {
        // Most logins find no counted failure at all: then the key (a hex string of the hash) is not built.
        if (COUNTS.isEmpty() || exempt(a)) {
            return false;
        }
        Integer n = COUNTS.get(key(service, a));
        return n != null && n >= maxPasswordErrors;
    }

    static void failed(String service, UserAccount a) {
        if (COUNTS.size() >= MAX_ACCOUNTS) {
            COUNTS.clear();
        }
        COUNTS.merge(key(service, a), 1, Integer::sum);
    }

    static void succeeded(String service, UserAccount a) {
        if (!COUNTS.isEmpty()) {
            COUNTS.remove(key(service, a));
        }
    }

    private static boolean exempt(UserAccount a) {
        String h = a.host();
        return a.superUser() && (h.equalsIgnoreCase("localhost") || h.equals("127.0.0.1") || h.equals("::1"));
    }

    private static String key(String service, UserAccount a) {
        byte[] hash = a.nativeHash();
        return service + '\0' + a.key() + '\0' + (hash != null ? HexFormat.of().formatHex(hash) : a.authString());
    }
}
