package io.gatehouse.core.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.protocol.auth.NativePassword;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A listener's {@code user_mapping_file} in MaxScale's JSON format: {@code user_map} entries turn a client user
 * into another user for the backends, and {@code server_credentials} give the password each mapped user logs in
 * with. So a client that proves itself with a plugin whose password Gatehouse never learns (ed25519) still gets a
 * backend session. Immutable after loading; any thread. ({@code group_map} needs operating-system groups, which
 * only PAM logins have; entries there are refused at load.)
 */
public final class UserMapping {
    /** The backend login of a mapped user. */
    public record Credential(String user, byte[] passwordSha1) {
    }

    private final Map<String, String> users;
    private final Map<String, Credential> credentials;

    private UserMapping(Map<String, String> users, Map<String, Credential> credentials) {
        this.users = users;
        this.credentials = credentials;
    }

    /** Reads the file; throws {@link IllegalArgumentException} with a one-line reason (never a password). */
    public static UserMapping load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + file + "' (expected: a readable JSON file: " + e.getMessage()
                    .lines().findFirst().orElse("") + ")");
        }
        if (root.path("group_map").size() > 0) {
            throw new IllegalArgumentException("'" + file + "' has group_map entries (expected: user_map only;"
                    + " group mapping needs PAM)");
        }
        Map<String, String> users = new HashMap<>();
        for (JsonNode e : root.path("user_map")) {
            String from = e.path("original_user").asText(null);
            String to = e.path("mapped_user").asText(null);
            if (from == null || to == null) {
                throw new IllegalArgumentException("'" + file + "' user_map entry without original_user/mapped_user");
            }
            users.put(from, to);
        }
        Map<String, Credential> creds = new HashMap<>();
        for (JsonNode e : root.path("server_credentials")) {
            String user = e.path("mapped_user").asText(null);
            String password = e.path("password").asText("");
            String plugin = e.path("plugin").asText(NativePassword.PLUGIN);
            if (user == null) {
                throw new IllegalArgumentException("'" + file + "' server_credentials entry without mapped_user");
            }
            if (!plugin.isEmpty() && !plugin.equals(NativePassword.PLUGIN)) {
                throw new IllegalArgumentException("'" + file + "' server_credentials of '" + user + "': plugin '"
                        + plugin + "' (expected: mysql_native_password)");
            }
            creds.put(user, new Credential(user, password.isEmpty() ? new byte[0]
                    : NativePassword.sha1(password.getBytes(StandardCharsets.UTF_8))));
        }
        return new UserMapping(Map.copyOf(users), Map.copyOf(creds));
    }

    /** The backend login for client user {@code user}, or null when the user is not mapped. */
    public Credential lookup(String user) {
        String mapped = users.get(user);
        if (mapped == null) {
            return null;
        }
        Credential c = credentials.get(mapped);
        // A mapped user without server_credentials logs in without a password, as MaxScale documents.
        return c != null ? c : new Credential(mapped, new byte[0]);
    }
}
