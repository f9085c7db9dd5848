package io.gatehouse.core.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.QueryResult;
import io.gatehouse.protocol.client.ServerErrorException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads accounts, database-level grants and the database list from one backend with the service's credentials
 * (the grants MaxScale documents for its service user: SELECT on the mysql tables and SHOW DATABASES). Blocking:
 * runs only on the user-loader thread. No buffers.
 */
public final class UserAccountLoader {
    /** Global privileges any one of which lets an account use every database. */
    private static final String[] DB_LEVEL_PRIVS = {"Select_priv", "Insert_priv", "Update_priv", "Delete_priv",
        "Create_priv", "Drop_priv", "References_priv", "Index_priv", "Alter_priv", "Create_tmp_table_priv",
        "Lock_tables_priv", "Execute_priv", "Create_view_priv", "Show_view_priv", "Create_routine_priv",
        "Alter_routine_priv", "Event_priv", "Trigger_priv", "Delete_history_priv", "Show_db_priv"};

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The plugin of accounts with pre-4.1 (16 hex digit) password hashes. */
    public static final String OLD_PASSWORD_PLUGIN = "mysql_old_password";

    private UserAccountLoader() {
    }

    /** Connection options for a server with the given credentials. */
    public static ClientOptions options(Server s, String user, String password) {
        return s.socket() != null
                ? ClientOptions.unixSocket(Path.of(s.socket()), user, password)
                : ClientOptions.tcp(s.address(), s.port(), user, password).withTls(s.tlsContext())
                        .withLocalAddress(s.localAddress());
    }

    /** Loads with the global {@code auth_connect_timeout}, {@code auth_read_timeout} and {@code auth_write_timeout}. */
    public static UserAccounts load(Server server, String user, String password, Duration connectTimeout,
                                    Duration readTimeout, Duration writeTimeout) throws Exception {
        ClientOptions opts = options(server, user, password).withConnectTimeout(connectTimeout)
                .withReadTimeout(readTimeout).withWriteTimeout(writeTimeout);
        try (BlockingClient c = ClientOptions.connectPreferring(opts, server.extraPort())) {
            QueryResult users = c.query("SELECT * FROM mysql.user");
            Map<String, JsonNode> privs = globalPriv(c);
            List<UserAccount> accounts = new ArrayList<>();
            for (int r = 0; r < users.rowCount(); r++) {
                accounts.add(withPolicy(account(users, r), users, r, privs));
            }
            Map<String, Set<String>> grants = new HashMap<>();
            addGrants(c, grants, "SELECT User, Host, Db FROM mysql.db");
            addGrants(c, grants, "SELECT DISTINCT User, Host, Db FROM mysql.tables_priv");
            addGrants(c, grants, "SELECT DISTINCT User, Host, Db FROM mysql.columns_priv");
            addGrants(c, grants, "SELECT DISTINCT User, Host, Db FROM mysql.procs_priv");
            Set<String> databases = new HashSet<>();
            for (List<String> row : c.query("SHOW DATABASES").rows()) {
                databases.add(row.get(0));
            }
            return new UserAccounts(accounts, grants, databases, System.currentTimeMillis(), policy(c));
        }
    }

    private static UserAccount account(QueryResult users, int r) {
        String user = users.value(r, "User");
        String host = users.value(r, "Host");
        String plugin = optional(users, r, "plugin");
        String authString = optional(users, r, "authentication_string");
        String legacy = optional(users, r, "Password");
        byte[] hash;
        if (plugin.isEmpty() || plugin.equals(NativePassword.PLUGIN)) {
            String stored = !authString.isEmpty() ? authString : legacy;
            hash = NativePassword.parseStoredHash(stored);
            // A 16-hex-digit hash is the pre-4.1 format: the server treats such accounts as mysql_old_password.
            plugin = stored.length() == 16 ? OLD_PASSWORD_PLUGIN : NativePassword.PLUGIN;
        } else {
            hash = null;
        }
        boolean global = false;
        for (String p : DB_LEVEL_PRIVS) {
            if ("Y".equals(optional(users, r, p))) {
                global = true;
                break;
            }
        }
        boolean superUser = "Y".equals(optional(users, r, "Super_priv"));
        boolean isRole = "Y".equals(optional(users, r, "is_role"));
        return new UserAccount(user, host, hash, plugin, global, superUser, isRole, optional(users, r, "default_role"),
                optional(users, r, "ssl_type").toUpperCase(java.util.Locale.ROOT), authString);
    }

    /**
     * MariaDB 10.4+ keeps ACCOUNT LOCK and password expiry only in mysql.global_priv's JSON, keyed here by
     * {@code user@host}; empty when the table is missing or not readable (MySQL has them in mysql.user).
     */
    private static Map<String, JsonNode> globalPriv(BlockingClient c) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        QueryResult q;
        try {
            q = c.query("SELECT User, Host, Priv FROM mysql.global_priv");
        } catch (ServerErrorException e) {
            return out;
        }
        for (List<String> row : q.rows()) {
            try {
                out.put(row.get(0) + "@" + row.get(1), JSON.readTree(row.get(2) == null ? "{}" : row.get(2)));
            } catch (java.io.IOException e) {
                // An unreadable entry keeps the defaults: the server itself will refuse what it cannot read.
            }
        }
        return out;
    }

    private static UserAccount withPolicy(UserAccount a, QueryResult users, int r, Map<String, JsonNode> privs) {
        boolean locked = "Y".equalsIgnoreCase(optional(users, r, "account_locked"));
        long lastChanged = "Y".equalsIgnoreCase(optional(users, r, "password_expired")) ? 0 : -1;
        int lifetime = -1;
        JsonNode p = privs.get(a.key());
        if (p != null) {
            locked = p.path("account_locked").asBoolean(locked);
            lastChanged = p.has("password_last_changed") ? p.path("password_last_changed").asLong(-1) : lastChanged;
            lifetime = p.path("password_lifetime").asInt(-1);
        }
        return new UserAccount(a.user(), a.host(), a.nativeHash(), a.plugin(), a.globalDbAccess(), a.superUser(),
                a.isRole(), a.defaultRole(), a.sslType(), a.authString(), locked, lastChanged, lifetime);
    }

    /** The server's account-policy variables; the defaults for any a server does not have. */
    private static UserAccounts.ServerPolicy policy(BlockingClient c) throws Exception {
        UserAccounts.ServerPolicy d = UserAccounts.ServerPolicy.DEFAULT;
        return new UserAccounts.ServerPolicy(variable(c, "max_password_errors", d.maxPasswordErrors()),
                (int) variable(c, "default_password_lifetime", d.defaultPasswordLifetime()),
                variable(c, "disconnect_on_expired_password", 1) != 0, variable(c, "skip_name_resolve", 0) == 0);
    }

    private static long variable(BlockingClient c, String name, long fallback) throws Exception {
        try {
            String v = c.query("SELECT @@GLOBAL." + name).scalar();
            return v == null ? fallback : Long.parseLong(v);
        } catch (ServerErrorException | NumberFormatException e) {
            return fallback;
        }
    }

    private static String optional(QueryResult q, int row, String column) {
        int i = q.columnIndex(column);
        if (i < 0) {
            return "";
        }
        String v = q.rows().get(row).get(i);
        return v == null ? "" : v;
    }

    private static void addGrants(BlockingClient c, Map<String, Set<String>> grants, String sql) throws Exception {
        QueryResult q;
        try {
            q = c.query(sql);
        } catch (ServerErrorException e) {
            // Missing SELECT on one of these tables only narrows what we know; the backend still checks at login.
            return;
        }
        for (List<String> row : q.rows()) {
            grants.computeIfAbsent(row.get(0) + "@" + row.get(1), k -> new HashSet<>()).add(row.get(2));
        }
    }
}
