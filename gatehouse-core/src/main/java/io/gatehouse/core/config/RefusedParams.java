package io.gatehouse.core.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Parameters MaxScale 24.02 documents that Gatehouse does not implement, each with the reason, so a configuration
 * using one stops with a message that names it and says why instead of calling it unknown. Keyed by scope: the
 * section kind ({@code global}, {@code server}, {@code service}, {@code listener}, {@code monitor}) or a module name.
 * The same list, with examples and where each parameter is documented, is
 * {@code gatehouse-server/src/test/resources/maxscale-24.02-parameters.tsv}. Constants only.
 */
final class RefusedParams {
    private static final Map<String, Map<String, String>> BY_SCOPE = build();

    private RefusedParams() {
    }

    /** Why {@code name} is refused in {@code scope}, or null when it is not a refused MaxScale parameter there. */
    static String reason(String scope, String name) {
        Map<String, String> m = BY_SCOPE.get(scope);
        return m == null ? null : m.get(name);
    }

    private static Map<String, Map<String, String>> build() {
        Map<String, Map<String, String>> m = new HashMap<>();
        put(m, "global", new String[][] {
                {"core_file", "the JVM decides about crash dumps (-XX options), not the configuration"},
                {"auto_tune", "Gatehouse does not read the servers' variables to tune its own parameters"},
                {"cachedir", "Gatehouse keeps no cache files"},
                {"execdir", "Gatehouse runs no helper executables from a configured directory"},
                {"connector_plugindir", "Gatehouse uses no Connector/C plugins"},
                {"module_configdir", "no Gatehouse module reads extra files from a module directory"},
                {"language", "Gatehouse has no error message files"},
                {"debug", "MaxScale's developer debug options do not apply"},
                {"max_read_amount", "reads are bounded by Netty's own read loop"},
                {"key_manager", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"file.keyfile", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"vault.host", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"vault.port", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"vault.mount", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"vault.token", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"vault.ca", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"vault.tls", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"vault.timeout", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"kmip.host", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"kmip.port", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"kmip.ca", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"kmip.cert", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"kmip.key", "no key manager: encrypted passwords use the key file .secrets in secretsdir"},
                {"sharedir", "Gatehouse has no shared data files (MaxScale keeps its GUI there)"},
                {"admin_pam_readwrite_service", "the admin API has no PAM login"},
                {"admin_pam_readonly_service", "the admin API has no PAM login"},
                {"admin_oidc_url", "the admin API accepts only the tokens it issued itself"},
        });
        put(m, "server", new String[][] {
        });
        put(m, "service", new String[][] {
        });
        put(m, "listener", new String[][] {
        });
        put(m, "monitor", new String[][] {
        });
        put(m, "mariadbmon", new String[][] {
                {"ssh_user", "no backup or rebuild operations"},
                {"ssh_keyfile", "no backup or rebuild operations"},
                {"ssh_check_host_key", "no backup or rebuild operations"},
                {"ssh_timeout", "no backup or rebuild operations"},
                {"ssh_port", "no backup or rebuild operations"},
                {"rebuild_port", "no backup or rebuild operations"},
                {"mariadb-backup_use_memory", "no backup or rebuild operations"},
                {"mariadb-backup_parallel", "no backup or rebuild operations"},
                {"backup_storage_address", "no backup or rebuild operations"},
                {"backup_storage_path", "no backup or rebuild operations"},
        });
        put(m, "readwritesplit", new String[][] {
        });
        return m;
    }

    private static void put(Map<String, Map<String, String>> m, String scope, String[][] pairs) {
        Map<String, String> inner = new HashMap<>();
        for (String[] p : pairs) {
            inner.put(p[0], p[1]);
        }
        m.put(scope, Map.copyOf(inner));
    }
}
