package io.gatehouse.core.listener;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.config.ValueParser;
import io.gatehouse.core.pam.PamAuthenticator;
import io.gatehouse.core.pam.PamSettings;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a listener's {@code authenticator} list and {@code authenticator_options} with MaxScale's names, refusing
 * what Gatehouse does not implement: an authenticator module it does not have, an option it would ignore, or a value
 * outside the option's rule (pamauth's pam_mode=password_2FA and pam_backend_mapping=mariadb among them). Every
 * message names the section, the parameter, the value and the rule. Stateless; runs on the configuration thread.
 */
final class ListenerAuthenticators {
    /** MaxScale's module names (and their old spellings) for the native-password authenticator. */
    private static final Set<String> NATIVE = Set.of("mariadbauth", "mysqlauth");
    private static final String ED25519 = "ed25519auth";
    private static final String PAM = "pamauth";
    /** The {@code authenticator_options} keys Gatehouse acts on. */
    private static final List<String> KEYS = List.of("skip_authentication", "clear_pw_passthrough", "clear_pw_without_tls", "match_host",
            "lower_case_table_names", "log_password_mismatch", "ed_mode", "ed_rsa_privkey_path", "ed_rsa_pubkey_path",
            "pam_use_cleartext_plugin", "pam_mode", "pam_backend_mapping", "pam_mapped_pw_file");

    private ListenerAuthenticators() {
    }

    /**
     * True when the {@code authenticator} list names {@code ed25519auth} (ed25519 accounts may log in); throws
     * {@link IllegalArgumentException} for a module Gatehouse does not have.
     */
    static boolean ed25519(Params p) {
        Set<String> names = names(p);
        return names == null || names.contains(ED25519);
    }

    /** True when the {@code authenticator} list names {@code pamauth} (PAM accounts may log in). */
    static boolean pam(Params p) {
        Set<String> names = names(p);
        return names != null && names.contains(PAM);
    }

    /** The lower-cased module names of the list, or null for the default (mariadbauth and ed25519auth). */
    private static Set<String> names(Params p) {
        String text = p.has("authenticator") ? p.string("authenticator") : null;
        if (text == null || text.isBlank()) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String n : ValueParser.parseList(text)) {
            String name = n.toLowerCase(Locale.ROOT);
            if (!NATIVE.contains(name) && !name.equals(ED25519) && !name.equals(PAM)) {
                throw new IllegalArgumentException("[" + p.section() + "] authenticator: '" + n + "' (expected: a"
                        + " comma-separated list of mariadbauth, ed25519auth and pamauth; Gatehouse has no " + n
                        + " module)");
            }
            names.add(name);
        }
        return names;
    }

    /**
     * The listener's pamauth settings, or null when its {@code authenticator} list has no {@code pamauth}; throws
     * for a pam_* option without pamauth, for the modes Gatehouse does not implement, and for {@code pam_mode=suid}
     * when Gatehouse does not run as root (see {@link PamSettings#suid}).
     */
    static PamSettings pamSettings(Params p, Map<String, String> options) {
        boolean listed = pam(p);
        for (String key : List.of("pam_use_cleartext_plugin", "pam_mode", "pam_backend_mapping", "pam_mapped_pw_file")) {
            if (options.containsKey(key) && !listed) {
                throw bad(p, key, options.get(key), "only with pamauth in the listener's authenticator list");
            }
        }
        if (!listed) {
            return null;
        }
        String mode = options.getOrDefault("pam_mode", "password");
        if (mode.equals("suid") && !PamAuthenticator.runningAsRoot()) {
            throw bad(p, "pam_mode", mode, "password; Gatehouse calls PAM in its own process and has no setuid"
                    + " helper, so suid works only when Gatehouse runs as root");
        }
        try {
            PamAuthenticator.get();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("[" + p.section() + "] authenticator: pamauth: " + e.getMessage(), e);
        }
        return new PamSettings("true".equals(options.get("pam_use_cleartext_plugin")), mode.equals("suid"));
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
                case "pam_use_cleartext_plugin" -> out.put(key, bool(p, key, value));
                case "pam_mode" -> out.put(key, pamMode(p, value));
                case "pam_backend_mapping" -> {
                    if (!value.equalsIgnoreCase("none")) {
                        throw bad(p, key, value, "none; Gatehouse's pamauth does not implement"
                                + " pam_backend_mapping=mariadb (backends are logged into as the client's own user)");
                    }
                    out.put(key, "none");
                }
                case "pam_mapped_pw_file" -> throw bad(p, key, value, "no pam_mapped_pw_file; it serves"
                        + " pam_backend_mapping=mariadb, which Gatehouse's pamauth does not implement");
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

    /** password or suid; password_2FA is refused by name. */
    private static String pamMode(Params p, String value) {
        String mode = value.toLowerCase(Locale.ROOT);
        if (mode.equals("password_2fa")) {
            throw bad(p, "pam_mode", value, "password or suid; Gatehouse's pamauth does not implement"
                    + " pam_mode=password_2FA");
        }
        if (!mode.equals("password") && !mode.equals("suid")) {
            throw bad(p, "pam_mode", value, "password or suid");
        }
        return mode;
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
