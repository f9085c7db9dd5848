package io.gatehouse.core.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.protocol.auth.NativePassword;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A service's {@code user_accounts_file}: accounts, database grants and role grants kept in a JSON file in the shape
 * MaxScale documents (arrays {@code user}, {@code db} and {@code roles_mapping}, each element naming a
 * {@code user} and {@code host}), read on the user-loader thread and either added to what the servers answered
 * ({@code add_when_load_ok}) or used alone ({@code file_only_always}). Immutable once read; no buffers.
 *
 * <p>Passwords in the file are hashes, as on the server, so the file holds no secret a client could log in with;
 * Gatehouse checks a client's scramble against them exactly as against a server's row.
 */
public final class UserAccountsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<UserAccount> accounts;
    private final Map<String, Set<String>> dbGrants;

    private UserAccountsFile(List<UserAccount> accounts, Map<String, Set<String>> dbGrants) {
        this.accounts = accounts;
        this.dbGrants = dbGrants;
    }

    /**
     * Reads and checks the file; the message of the exception names the file, the array, the element and what is
     * wrong with it, so that an operator can fix it from the log line alone.
     */
    public static UserAccountsFile read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException("user_accounts_file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("user_accounts_file " + file + ": the file must hold a JSON object");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("user") && !name.equals("db") && !name.equals("roles_mapping")) {
                throw new IOException("user_accounts_file " + file + ": unknown array '" + name
                        + "' (expected user, db and roles_mapping)");
            }
        }
        Map<String, Set<String>> roles = new HashMap<>();
        for (JsonNode r : array(file, root, "roles_mapping")) {
            roles.computeIfAbsent(key(file, "roles_mapping", r), k -> new HashSet<>())
                    .add(text(file, "roles_mapping", r, "role", true));
        }
        Map<String, Set<String>> grants = new HashMap<>();
        for (JsonNode d : array(file, root, "db")) {
            grants.computeIfAbsent(key(file, "db", d), k -> new HashSet<>()).add(text(file, "db", d, "db", true));
        }
        Map<String, UserAccount> accounts = new LinkedHashMap<>();
        for (JsonNode u : array(file, root, "user")) {
            UserAccount a = account(file, u, roles);
            if (accounts.putIfAbsent(a.key(), a) != null) {
                throw new IOException("user_accounts_file " + file + ": user '" + a.user() + "'@'" + a.host()
                        + "' is defined twice");
            }
        }
        return new UserAccountsFile(List.copyOf(accounts.values()), grants);
    }

    /** The file's accounts alone ({@code file_only_always}): the databases that exist are not known. */
    public UserAccounts alone(long loadedAtMillis) {
        return new UserAccounts(accounts, dbGrants, null, loadedAtMillis);
    }

    /**
     * The servers' accounts with the file's added: an account both define keeps the server's row, while the file's
     * database grants are added to whichever row wins.
     */
    public UserAccounts addedTo(UserAccounts servers) {
        Map<String, UserAccount> byKey = new LinkedHashMap<>();
        servers.accounts().forEach(a -> byKey.put(a.key(), a));
        accounts.forEach(a -> byKey.putIfAbsent(a.key(), a));
        Map<String, Set<String>> grants = new HashMap<>();
        servers.dbGrants().forEach((k, v) -> grants.computeIfAbsent(k, x -> new HashSet<>()).addAll(v));
        dbGrants.forEach((k, v) -> grants.computeIfAbsent(k, x -> new HashSet<>()).addAll(v));
        return new UserAccounts(new ArrayList<>(byKey.values()), grants, servers.databases(),
                servers.loadedAtMillis(), servers.policy());
    }

    /** How many accounts the file defines. */
    public int size() {
        return accounts.size();
    }

    private static UserAccount account(Path file, JsonNode u, Map<String, Set<String>> roles) throws IOException {
        String user = text(file, "user", u, "user", false);
        String host = text(file, "user", u, "host", true);
        String plugin = text(file, "user", u, "plugin", false);
        String password = text(file, "user", u, "password", false);
        String authString = text(file, "user", u, "authentication_string", false);
        byte[] hash = null;
        if (plugin.isEmpty() || plugin.equals(NativePassword.PLUGIN)) {
            String stored = !password.isEmpty() ? password : authString;
            if (!stored.isEmpty() && !(stored.length() == 41 && stored.charAt(0) == '*')) {
                throw new IOException("user_accounts_file " + file + ": user '" + user + "'@'" + host
                        + "': the password must be a mysql_native_password hash ('*' and 40 hex digits), as "
                        + "PASSWORD('...') gives it");
            }
            hash = NativePassword.parseStoredHash(stored);
            plugin = NativePassword.PLUGIN;
        }
        String defaultRole = text(file, "user", u, "default_role", false);
        if (!defaultRole.isEmpty() && !roles.getOrDefault(user + "@" + host, Set.of()).contains(defaultRole)) {
            // The server only lets a default role be used when the role is granted; the file says so in roles_mapping.
            throw new IOException("user_accounts_file " + file + ": user '" + user + "'@'" + host
                    + "' has default_role '" + defaultRole + "' but no roles_mapping element grants it");
        }
        boolean global = bool(file, u, "global_db_priv");
        boolean superUser = bool(file, u, "super_priv");
        boolean isRole = bool(file, u, "is_role");
        if (bool(file, u, "proxy_priv")) {
            throw new IOException("user_accounts_file " + file + ": user '" + user + "'@'" + host
                    + "': proxy_priv is for PAM user mapping, and Gatehouse has no pamauth module");
        }
        return new UserAccount(user, host, hash, plugin, global, superUser, isRole, defaultRole, "", authString);
    }

    private static List<JsonNode> array(Path file, JsonNode root, String name) throws IOException {
        JsonNode a = root.get(name);
        if (a == null) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new IOException("user_accounts_file " + file + ": '" + name + "' must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isObject()) {
                throw new IOException("user_accounts_file " + file + ": element " + i + " of '" + name
                        + "' must be an object");
            }
            out.add(a.get(i));
        }
        return out;
    }

    private static String key(Path file, String array, JsonNode e) throws IOException {
        return text(file, array, e, "user", false) + "@" + text(file, array, e, "host", true);
    }

    private static String text(Path file, String array, JsonNode e, String field, boolean required)
            throws IOException {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            if (required || field.equals("user") && !e.has("user")) {
                throw new IOException("user_accounts_file " + file + ": an element of '" + array
                        + "' has no '" + field + "' string");
            }
            return "";
        }
        if (!v.isTextual()) {
            throw new IOException("user_accounts_file " + file + ": '" + field + "' in '" + array
                    + "' must be a string, not " + v);
        }
        return v.asText();
    }

    private static boolean bool(Path file, JsonNode u, String field) throws IOException {
        JsonNode v = u.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new IOException("user_accounts_file " + file + ": '" + field + "' must be true or false, not " + v);
        }
        return v.asBoolean();
    }
}
