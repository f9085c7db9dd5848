package io.gatehouse.core.users;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable snapshot of the backends' accounts, database grants and databases, published by the
 * {@link UserAccountStore}'s loader thread and read by workers without locks. A listener applies its own
 * {@link MatchRules} with {@link #withRules}, which shares the lists.
 */
public final class UserAccounts {
    /**
     * The server variables of its account policies: {@code max_password_errors}, {@code default_password_lifetime}
     * (days, 0 for never) and {@code disconnect_on_expired_password}; and {@code resolvesNames}, false when the server
     * runs with {@code skip_name_resolve} (it then names clients by address in its errors).
     */
    public record ServerPolicy(long maxPasswordErrors, int defaultPasswordLifetime,
                               boolean disconnectOnExpiredPassword, boolean resolvesNames) {
        /** The server's defaults: no error limit, passwords never expire by age, expired ones disconnect, names. */
        public static final ServerPolicy DEFAULT = new ServerPolicy(4294967295L, 0, true, true);
    }

    /** The snapshot before the first load: nobody can log in. */
    public static final UserAccounts EMPTY = new UserAccounts(List.of(), Map.of(), Set.of(), 0);

    private static final String ED25519 = io.gatehouse.protocol.auth.Ed25519Password.SERVER_PLUGIN;

    private final List<UserAccount> accounts;
    /** user@host -> database patterns granted at database, table, column or routine level. */
    private final Map<String, Set<String>> dbGrants;
    /** The databases that exist; null when unknown (accounts from a user_accounts_file alone). */
    private final Set<String> databases;
    private final long loadedAtMillis;
    private final HostNames hostNames;
    private final MatchRules rules;
    private final ServerPolicy policy;

    public UserAccounts(List<UserAccount> accounts, Map<String, Set<String>> dbGrants, Set<String> databases,
                        long loadedAtMillis) {
        this(accounts, dbGrants, databases, loadedAtMillis, ServerPolicy.DEFAULT);
    }

    public UserAccounts(List<UserAccount> accounts, Map<String, Set<String>> dbGrants, Set<String> databases,
                        long loadedAtMillis, ServerPolicy policy) {
        this.policy = policy;
        List<UserAccount> sorted = new ArrayList<>(accounts);
        // The server's own order: the most specific host first, then named users before the anonymous one.
        sorted.sort(Comparator.comparingInt((UserAccount a) -> -HostPattern.specificity(a.host()))
                .thenComparing(a -> a.user().isEmpty()));
        this.accounts = List.copyOf(sorted);
        this.dbGrants = Map.copyOf(dbGrants);
        this.databases = databases == null ? null : Set.copyOf(databases);
        this.loadedAtMillis = loadedAtMillis;
        this.hostNames = HostNames.NONE;
        this.rules = MatchRules.DEFAULT;
    }

    private UserAccounts(UserAccounts base, HostNames hostNames, MatchRules rules) {
        this.accounts = base.accounts;
        this.dbGrants = base.dbGrants;
        this.databases = base.databases;
        this.loadedAtMillis = base.loadedAtMillis;
        this.policy = base.policy;
        this.hostNames = hostNames;
        this.rules = rules;
    }

    /**
     * The union of several servers' snapshots ({@code auth_all_servers}): every account (the first server's row wins
     * when two servers have the same user@host), every grant and every database.
     */
    public static UserAccounts union(List<UserAccounts> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Map<String, UserAccount> byKey = new java.util.LinkedHashMap<>();
        Map<String, Set<String>> grants = new java.util.HashMap<>();
        Set<String> dbs = new java.util.HashSet<>();
        long at = 0;
        for (UserAccounts p : parts) {
            p.accounts.forEach(a -> byKey.putIfAbsent(a.key(), a));
            p.dbGrants.forEach((k, v) -> grants.computeIfAbsent(k, x -> new java.util.HashSet<>()).addAll(v));
            if (p.databases != null) {
                dbs.addAll(p.databases);
            }
            at = Math.max(at, p.loadedAtMillis);
        }
        return new UserAccounts(new ArrayList<>(byKey.values()), grants, dbs, at, parts.get(0).policy);
    }

    /** The same accounts with host names resolved ({@code skip_name_resolve=false}). */
    public UserAccounts withHostNames(HostNames names) {
        return new UserAccounts(this, names, rules);
    }

    /** The same accounts as a listener with {@code rules} matches them. */
    public UserAccounts withRules(MatchRules r) {
        return r.equals(rules) ? this : new UserAccounts(this, hostNames, r);
    }

    /** The server's account-policy variables as loaded with these accounts. */
    public ServerPolicy policy() {
        return policy;
    }

    public int size() {
        return accounts.size();
    }

    public long loadedAtMillis() {
        return loadedAtMillis;
    }

    public List<UserAccount> accounts() {
        return accounts;
    }

    /** The account a login of {@code user} from {@code clientIp} uses, or null when none matches. */
    public UserAccount find(String user, String clientIp, boolean wildcardMatchesLocalhost) {
        return find(user, clientIp, wildcardMatchesLocalhost, false);
    }

    /**
     * The account the server would use for this login when the listener does not serve it: an ed25519 account under
     * an {@code authenticator} list without {@code ed25519auth}; null when the login finds an account Gatehouse
     * serves, or none at all.
     */
    public UserAccount findDisabled(String user, String clientIp, boolean wildcardMatchesLocalhost) {
        UserAccount a = find(user, clientIp, wildcardMatchesLocalhost, true);
        return a != null && !served(a) ? a : null;
    }

    private boolean served(UserAccount a) {
        return rules.ed25519() || !ED25519.equals(a.plugin());
    }

    /**
     * The client's host as the server names it in its errors: {@code localhost} for the loopback address when the
     * server resolves names (as it does unless {@code skip_name_resolve}), otherwise the address. A name the server
     * would find by reverse DNS for another address is not looked up (no DNS on a worker): the address stands.
     */
    public String clientHostName(String clientIp) {
        if (policy.resolvesNames() && clientIp != null && (clientIp.equals("127.0.0.1") || clientIp.equals("::1")
                || clientIp.equals("0:0:0:0:0:0:0:1") || clientIp.equalsIgnoreCase("::ffff:127.0.0.1"))) {
            return "localhost";
        }
        return clientIp;
    }

    private UserAccount find(String user, String clientIp, boolean wildcardMatchesLocalhost, boolean anyPlugin) {
        for (UserAccount a : accounts) {
            if (a.isRole() || (!anyPlugin && !served(a))) {
                continue;
            }
            if ((a.user().isEmpty() || a.user().equals(user))
                    && (!rules.matchHost() || HostPattern.matches(a.host(), clientIp, wildcardMatchesLocalhost)
                        || hostNames.matches(a.host(), clientIp))) {
                return a;
            }
        }
        return null;
    }

    /** The database-level grants by user@host. */
    Map<String, Set<String>> dbGrants() {
        return dbGrants;
    }

    /** The databases that exist, or null when not known. */
    Set<String> databases() {
        return databases;
    }

    /**
     * True when the database exists, its name compared by the listener's {@code lower_case_table_names}; always
     * true when the databases are not known, since then only the server can tell.
     */
    public boolean databaseExists(String db) {
        if (databases == null) {
            return true;
        }
        String wanted = rules.requested(db);
        for (String d : databases) {
            if (rules.ignoreCase() ? d.equalsIgnoreCase(wanted) : d.equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** True when the account (or its default role) may use {@code db}. */
    public boolean mayUseDatabase(UserAccount a, String db) {
        if (a.globalDbAccess() || "information_schema".equalsIgnoreCase(db)) {
            return true;
        }
        db = rules.requested(db);
        if (grantsMatch(dbGrants.get(a.key()), db)) {
            return true;
        }
        if (!a.defaultRole().isEmpty()) {
            for (UserAccount r : accounts) {
                if (r.isRole() && r.user().equals(a.defaultRole())) {
                    if (r.globalDbAccess() || grantsMatch(dbGrants.get(r.key()), db)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private boolean grantsMatch(Set<String> patterns, String db) {
        if (patterns == null) {
            return false;
        }
        for (String p : patterns) {
            if (dbLike(p, db, rules.ignoreCase())) {
                return true;
            }
        }
        return false;
    }

    /** Database grants use LIKE syntax, with {@code \_} for a literal underscore; compared ignoring case. */
    static boolean dbLike(String pattern, String db) {
        return dbLike(pattern, db, true);
    }

    /** Database grants use LIKE syntax, with {@code \_} for a literal underscore. */
    static boolean dbLike(String pattern, String db, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                re.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                re.append(".*");
            } else if (c == '_') {
                re.append('.');
            } else {
                re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return java.util.regex.Pattern.compile(re.toString(), ignoreCase ? java.util.regex.Pattern.CASE_INSENSITIVE : 0)
                .matcher(db).matches();
    }
}
