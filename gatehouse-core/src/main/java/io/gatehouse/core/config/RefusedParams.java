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
                {"threads_max", "the worker count is fixed at start; no thread can be added at runtime"},
                {"rebalance_threshold", "sessions stay on the worker that accepted them; no rebalancing"},
                {"rebalance_window", "sessions stay on the worker that accepted them; no rebalancing"},
                {"cachedir", "Gatehouse keeps no cache files"},
                {"execdir", "Gatehouse runs no helper executables from a configured directory"},
                {"connector_plugindir", "Gatehouse uses no Connector/C plugins"},
                {"module_configdir", "no Gatehouse module reads extra files from a module directory"},
                {"language", "Gatehouse has no error message files"},
                {"secretsdir", "encryption keys are read from datadir only"},
                {"session_trace_match", "sessions keep no trace log"},
                {"debug", "MaxScale's developer debug options do not apply"},
                {"max_read_amount", "reads are bounded by Netty's own read loop"},
                {"key_manager", "no key manager: encrypted passwords use the key file in datadir"},
                {"file.keyfile", "no key manager: encrypted passwords use the key file in datadir"},
                {"vault.host", "no key manager: encrypted passwords use the key file in datadir"},
                {"vault.port", "no key manager: encrypted passwords use the key file in datadir"},
                {"vault.mount", "no key manager: encrypted passwords use the key file in datadir"},
                {"vault.token", "no key manager: encrypted passwords use the key file in datadir"},
                {"vault.ca", "no key manager: encrypted passwords use the key file in datadir"},
                {"vault.tls", "no key manager: encrypted passwords use the key file in datadir"},
                {"vault.timeout", "no key manager: encrypted passwords use the key file in datadir"},
                {"kmip.host", "no key manager: encrypted passwords use the key file in datadir"},
                {"kmip.port", "no key manager: encrypted passwords use the key file in datadir"},
                {"kmip.ca", "no key manager: encrypted passwords use the key file in datadir"},
                {"kmip.cert", "no key manager: encrypted passwords use the key file in datadir"},
                {"kmip.key", "no key manager: encrypted passwords use the key file in datadir"},
                {"sharedir", "Gatehouse has no shared data files (MaxScale keeps its GUI there)"},
                {"admin_pam_readwrite_service", "the admin API has no PAM login"},
                {"admin_pam_readonly_service", "the admin API has no PAM login"},
                {"admin_readwrite_hosts", "admin users are not limited by client host"},
                {"admin_readonly_hosts", "admin users are not limited by client host"},
                {"admin_jwt_algorithm", "the admin API issues no JSON web tokens"},
                {"admin_jwt_key", "the admin API issues no JSON web tokens"},
                {"admin_jwt_max_age", "the admin API issues no JSON web tokens"},
                {"admin_jwt_issuer", "the admin API issues no JSON web tokens"},
                {"admin_oidc_url", "the admin API issues no JSON web tokens"},
                {"admin_audit", "the admin API keeps no audit file"},
                {"admin_audit_file", "the admin API keeps no audit file"},
                {"admin_audit_exclude_methods", "the admin API keeps no audit file"},
                {"config_sync_cluster", "configuration is not synchronised through the database cluster"},
                {"config_sync_user", "configuration is not synchronised through the database cluster"},
                {"config_sync_password", "configuration is not synchronised through the database cluster"},
                {"config_sync_db", "configuration is not synchronised through the database cluster"},
                {"config_sync_timeout", "configuration is not synchronised through the database cluster"},
                {"config_sync_interval", "configuration is not synchronised through the database cluster"},
        });
        put(m, "server", new String[][] {
                {"disk_space_threshold", "no disk space monitoring"},
        });
        put(m, "service", new String[][] {
                {"connection_keepalive", "idle backend connections are not pinged"},
                {"idle_session_pool_time", "idle sessions do not give their backend connections back to the pool"},
                {"multiplex_timeout", "idle sessions do not give their backend connections back to the pool"},
                {"user_accounts_file", "accounts come only from the servers"},
                {"user_accounts_file_usage", "accounts come only from the servers"},
        });
        put(m, "listener", new String[][] {
                {"connection_metadata", "the handshake's OK packet carries no extra session metadata"},
                {"redirect_url", "clients are never redirected"},
        });
        put(m, "monitor", new String[][] {
                {"disk_space_threshold", "no disk space monitoring"},
                {"disk_space_check_interval", "no disk space monitoring"},
        });
        put(m, "mariadbmon", new String[][] {
                {"master_conditions", "the primary is chosen by replication topology only"},
                {"slave_conditions", "replicas are judged by their replication state only"},
                {"maintenance_on_low_disk_space", "no disk space monitoring"},
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
                {"master_reconnection", "a lost primary connection is not reopened inside a session"},
                {"transaction_replay_max_size", "transactions are not replayed after a server failure"},
                {"transaction_replay_attempts", "transactions are not replayed after a server failure"},
                {"transaction_replay_timeout", "transactions are not replayed after a server failure"},
                {"transaction_replay_retry_on_deadlock", "transactions are not replayed after a server failure"},
                {"transaction_replay_safe_commit", "transactions are not replayed after a server failure"},
                {"transaction_replay_retry_on_mismatch", "transactions are not replayed after a server failure"},
                {"transaction_replay_checksum", "transactions are not replayed after a server failure"},
                {"delayed_retry_timeout", "queries are not held back waiting for a server"},
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
