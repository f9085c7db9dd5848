package io.gatehouse.core.listener;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.config.ValueParser;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a listener's {@code authenticator} list and {@code authenticator_options} with MaxScale's names, refusing
 * what Gatehouse does not implement: an authenticator module it does not have, an option it would ignore, or a value
 * outside the option's rule. Every message names the section, the parameter, the value and the rule. Stateless;
 * runs on the configuration thread.
 */
final class ListenerAuthenticators {
    /** MaxScale's module names (and their old spellings) for the native-password authenticator. */
    private static final Set<String> NATIVE = Set.of("mariadbauth", "mysqlauth");
    private static final String ED25519 = "ed25519auth";
    /** The {@code authenticator_options} keys Gatehouse acts on. */
    private static final List<String> KEYS = List.of("skip_authentication", "clear_pw_passthrough", "clear_pw_without_tls", "match_host",
            "lower_case_table_names", "log_password_mismatch", "ed_mode", "ed_rsa_privkey_path", "ed_rsa_pubkey_path");

    private ListenerAuthenticators() {
    }

    /**
     * True when the {@code authenticator} list names {@code ed25519auth} (ed25519 accounts may log in); throws
     * {@link IllegalArgumentException} for a module Gatehouse does not have.
     */
    static boolean ed25519(Params p) {
        String text = p.has("authenticator") ? p.string("authenticator") : null;
        if (text == null || text.isBlank()) {
            return true;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String n : ValueParser.parseList(text)) {
            String name = n.toLowerCase(Locale.ROOT);
            if (!NATIVE.contains(name) && !name.equals(ED25519)) {
                throw new IllegalArgumentException("[" + p.section() + "] authenticator: '" + n + "' (expected: a"
                        + " comma-separated list of mariadbauth and ed25519auth; Gatehouse has no " + n + " module)");
            }
            names.add(name);
        }
        return names.contains(ED25519);
    }

    /** The checked {@code authenticator_options}, key to normalised value. */
    static Map<String, String> options(Params p) {
        String text = p.has("authenticator_options") ? p.string("authenticator_options") : null;
        Map<String, String> out = new HashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            String[] kv = pair.trim().split("=", 2);
            String key = kv[0].trim();
            String value = kv.length > 1 ? kv[1].trim() : "";
            switch (key) {
                case "skip_authentication", "clear_pw_passthrough", "clear_pw_without_tls", "match_host" ->
                        out.put(key, bool(p, key, value));
                case "lower_case_table_names" -> out.put(key, lowerCaseTableNames(p, value));
                case "log_password_mismatch" -> {
                    if (Boolean.parseBoolean(bool(p, key, value))) {
                        throw bad(p, key, value, "false; Gatehouse never writes password hashes to its log");
                    }
                }
                case "ed_mode" -> {
                    if (!value.equals("ed25519") && !value.equals("sha256")) {
                        throw bad(p, key, value, "ed25519 or sha256");
                    }
                    out.put(key, value);
                }
                case "ed_rsa_privkey_path", "ed_rsa_pubkey_path" -> out.put(key, value);
                case "cache_dir", "inject_service_user" -> throw bad(p, key, value,
                        "none of " + key + "; MaxScale ignores this obsolete option, remove it");
                default -> throw bad(p, key, value, "one of " + String.join(", ", KEYS));
            }
        }
        if ("true".equals(out.get("clear_pw_without_tls")) && !"true".equals(out.get("clear_pw_passthrough"))) {
            throw bad(p, "clear_pw_without_tls", "true", "only with clear_pw_passthrough=true, which it relaxes");
        }
        return out;
    }

    private static String bool(Params p, String key, String value) {
        try {
            return String.valueOf(ValueParser.parseBool(value));
        } catch (IllegalArgumentException e) {
            throw bad(p, key, value, "true or false");
        }
    }

    /** 0, 1 or 2; MaxScale still takes true (1) and false (0). */
    private static String lowerCaseTableNames(Params p, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "0", "false" -> "0";
            case "1", "true" -> "1";
            case "2" -> "2";
            default -> throw bad(p, "lower_case_table_names", value, "0, 1 or 2");
        };
    }

    private static IllegalArgumentException bad(Params p, String key, String value, String rule) {
        return new IllegalArgumentException("[" + p.section() + "] authenticator_options: " + key + "='" + value
                + "' (expected: " + rule + ")");
    }
}
