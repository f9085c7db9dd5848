package io.gatehouse.core.config;

import static io.gatehouse.api.config.ParamSpec.of;
import static io.gatehouse.api.config.ParamSpec.oneOf;
import static io.gatehouse.api.config.ParamSpec.required;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import java.util.List;

/**
 * The parameters the core itself accepts for each object type, with MaxScale's names and defaults. Module
 * parameters (router, monitor) come from module descriptors and are added to these. Constants only.
 */
public final class CoreParams {
    private CoreParams() {
    }

    public static final List<ParamSpec> GLOBAL = List.of(
            of("threads", ParamType.STRING, "auto", false, "Number of routing workers, or auto for one per core"),
            of("writeq_high_water", ParamType.SIZE, "64Ki", true, "Stop reading the other side when a write queue exceeds this"),
            of("writeq_low_water", ParamType.SIZE, "1024", true, "Resume reading when the write queue drops below this"),
            of("users_refresh_time", ParamType.DURATION, "30s", true, "Minimum time between user-account reloads caused by a backend refusing a login Gatehouse accepted (a login Gatehouse would refuse always gets accounts loaded after it began)"),
            of("users_refresh_interval", ParamType.DURATION, "0s", true, "Periodic user-account reload interval; 0 disables"),
            of("query_retries", ParamType.COUNT, "1", false,
                    "Times Gatehouse's own queries to a server (user-account loading) are tried again after a network error"),
            of("query_retry_timeout", ParamType.DURATION, "10s", false,
                    "Time limit of those tries, from the first attempt"),
            of("auth_connect_timeout", ParamType.DURATION, "10s", false, "Connect timeout of the user-account loader"),
            of("auth_read_timeout", ParamType.DURATION, "10s", false, "Read timeout of the user-account loader"),
            of("auth_write_timeout", ParamType.DURATION, "10s", false, "Write timeout of the user-account loader"),
            of("log_info", ParamType.BOOL, "false", true, "Log informational messages"),
            of("log_debug", ParamType.BOOL, "false", true, "Log debug messages"),
            of("log_notice", ParamType.BOOL, "true", true, "Log notices (Gatehouse's informational messages); false keeps only warnings and errors"),
            of("log_warning", ParamType.BOOL, "true", true, "Log warnings"),
            of("log_warn_super_user", ParamType.BOOL, "false", false,
                    "Log a warning when a user with the SUPER privilege logs in through a service"),
            of("ms_timestamp", ParamType.BOOL, "false", false, "Log timestamps with milliseconds"),
            of("maxlog", ParamType.BOOL, "true", false, "Write the log file gatehouse.log in logdir"),
            of("syslog", ParamType.BOOL, "false", false, "Log to syslog; only false, as the JVM cannot write to /dev/log"),
            oneOf("log_augmentation", ParamType.ENUM, "0", false, List.of("0", "1"),
                    "1 adds the name of the logging method to each message"),
            of("log_throttling", ParamType.STRING, LogThrottling.DEFAULT, false,
                    "count, window, suppression: an error or warning logged count times within window is left out for"
                            + " suppression; 0 in any field disables"),
            of("logdir", ParamType.PATH, "/var/log/gatehouse", false, "Log directory"),
            of("datadir", ParamType.PATH, "/var/lib/gatehouse", false, "Data directory"),
            of("persistdir", ParamType.PATH, "/var/lib/gatehouse/gatehouse.cnf.d", false, "Where runtime changes are stored"),
            of("piddir", ParamType.PATH, "/var/run/gatehouse", false, "Directory of the pid file"),
            of("libdir", ParamType.PATH, "/usr/lib/gatehouse/plugins", false, "Plugin directory"),
            of("query_classifier_cache_size", ParamType.SIZE, "0", true, "Per-process classifier cache size; 0 means 15% of memory as MaxScale"),
            of("skip_name_resolve", ParamType.BOOL, "false", false, "true: accounts whose host is a host name match nobody; false: such names are looked up when accounts load and match the clients at their addresses"),
            of("max_auth_errors_until_block", ParamType.COUNT, "10", false, "Failed logins from one host before it is blocked; 0 disables"),
            of("auth_block_time", ParamType.DURATION, "60s", false, "How long a host stays blocked after max_auth_errors_until_block failures (Gatehouse)"),
            of("local_address", ParamType.STRING, null, false,
                    "Address of this machine that connections to the servers (routing, accounts, monitors) are made from"),
            of("admin_host", ParamType.STRING, "127.0.0.1", false, "Admin API address"),
            of("admin_port", ParamType.COUNT, "8989", false, "Admin API port"),
            of("admin_enabled", ParamType.BOOL, "true", false, "Enable the admin API"),
            of("admin_gui", ParamType.BOOL, "false", false, "Serve MaxScale's web GUI; only false, as Gatehouse has none"),
            of("admin_secure_gui", ParamType.BOOL, "true", false, "Serve the GUI only over HTTPS; moot, as admin_gui is always false"),
            of("admin_ssl_key", ParamType.PATH, null, false, "PEM private key of the admin API; with admin_ssl_cert it serves HTTPS"),
            of("admin_ssl_cert", ParamType.PATH, null, false, "PEM certificate of the admin API"),
            of("admin_ssl_ca", ParamType.PATH, null, false, "PEM CA certificate(s) sent with admin_ssl_cert to complete its chain"),
            oneOf("admin_ssl_version", ParamType.ENUM, "MAX", false, List.of("MAX", "TLSv10", "TLSv11", "TLSv12", "TLSv13"),
                    "The one TLS version the admin API accepts; MAX accepts TLSv1.2 and TLSv1.3"),
            oneOf("sql_mode", ParamType.ENUM, "default", false, List.of("default"),
                    "SQL dialect the classifier reads; only default, as Gatehouse has no Oracle-mode parser"),
            of("statement_statistics", ParamType.BOOL, "false", false,
                    "Count statements per canonical form and server (GET /v1/statistics/statements); sessions then"
                            + " leave the zero-copy path of connection routers without filters (Gatehouse)"),
            of("retain_last_statements", ParamType.COUNT, "0", false,
                    "Statements each session keeps for the admin API's session view and dump_last_statements"),
            oneOf("dump_last_statements", ParamType.ENUM, "never", false, List.of("never", "on_close", "on_error"),
                    "Log a session's retained statements when it closes (on_close) or only when it ends on an error"),
            of("passive", ParamType.BOOL, "false", false, "Passive instance; only false: there is no passive mode"),
            of("substitute_variables", ParamType.BOOL, "false", false,
                    "Replace $NAME values with environment variables; only false"),
            of("admin_auth", ParamType.BOOL, "true", false, "Require a user and password on the admin API; only true"),
            of("rebalance_period", ParamType.DURATION, "0s", false,
                    "How often sessions are rebalanced between workers; only 0s, as sessions stay on their worker"),
            of("persist_runtime_changes", ParamType.BOOL, "true", false, "Persist runtime changes in persistdir"),
            of("load_persisted_configs", ParamType.BOOL, "true", false, "Load persisted runtime changes at start"));

    public static final List<ParamSpec> SERVER = List.of(
            required("type", ParamType.STRING, "server"),
            of("address", ParamType.STRING, null, true, "Host name or IP address of the server"),
            of("port", ParamType.COUNT, "3306", true, "TCP port of the server"),
            of("socket", ParamType.PATH, null, true, "Unix socket of the server, instead of address and port"),
            of("private_address", ParamType.STRING, null, true,
                    "Address the servers replicate from this one at (mariadbmon's CHANGE MASTER), when not address"),
            of("protocol", ParamType.STRING, "mariadbbackend", false, "Backend protocol (only mariadbbackend)"),
            oneOf("rank", ParamType.ENUM, "primary", true, List.of("primary", "secondary"), "Routing preference"),
            of("priority", ParamType.INTEGER, "0", true, "Promotion preference among equally up-to-date replicas in failover and switchover: positive values first, the lowest first"),
            of("persistpoolmax", ParamType.COUNT, "0", true, "Idle backend connections kept per worker for reuse (reset with COM_CHANGE_USER)"),
            of("persistmaxtime", ParamType.DURATION, "0s", true, "How long an idle pooled connection is kept"),
            of("monitoruser", ParamType.STRING, null, true, "Monitor user for this server"),
            of("monitorpw", ParamType.PASSWORD, null, true, "Monitor password for this server"),
            of("proxy_protocol", ParamType.BOOL, "false", true, "Send a PROXY protocol header with the client's address"),
            of("ssl", ParamType.BOOL, "false", false, "Encrypt connections to the server with TLS"),
            of("ssl_cert", ParamType.PATH, null, false, "PEM client certificate presented to the server"),
            of("ssl_key", ParamType.PATH, null, false, "PEM private key of ssl_cert"),
            of("ssl_ca", ParamType.PATH, null, false, "PEM CA certificates the server's certificate is verified against"),
            of("ssl_ca_cert", ParamType.PATH, null, false, "Old name of ssl_ca"),
            oneOf("ssl_version", ParamType.ENUM, "MAX", false, List.of("MAX", "TLSv10", "TLSv11", "TLSv12", "TLSv13"),
                    "TLS version; MAX allows TLSv1.2 and TLSv1.3"),
            of("ssl_cipher", ParamType.STRING, null, false, "Allowed cipher suites, separated by ':'"),
            of("ssl_verify_peer_certificate", ParamType.BOOL, "false", false, "Verify the server's certificate against ssl_ca"),
            of("ssl_verify_peer_host", ParamType.BOOL, "false", false, "Verify that the server's certificate names its address"),
            of("ssl_crl", ParamType.PATH, null, false, "PEM certificate revocation list"));

    public static final List<ParamSpec> SERVICE = List.of(
            required("type", ParamType.STRING, "service"),
            required("router", ParamType.STRING, "Router module"),
            of("servers", ParamType.TARGET_LIST, null, true, "Servers the service routes to"),
            of("targets", ParamType.TARGET_LIST, null, true, "Servers the service routes to"),
            of("cluster", ParamType.TARGET, null, true, "A monitor whose servers are the targets"),
            required("user", ParamType.STRING, "User for loading user accounts"),
            required("password", ParamType.PASSWORD, "Password of that user"),
            of("enable_root_user", ParamType.BOOL, "false", true, "Allow root to log in through the service"),
            of("max_connections", ParamType.COUNT, "0", true, "Maximum client sessions; 0 means no limit"),
            of("version_string", ParamType.STRING, null, true, "Server version announced to clients"),
            of("log_auth_warnings", ParamType.BOOL, "true", true, "Log failed logins"),
            of("auth_all_servers", ParamType.BOOL, "false", false, "Load accounts from every reachable server and use their union, not just the primary's"),
            of("localhost_match_wildcard_host", ParamType.BOOL, "true", true, "Let '%' hosts match clients from localhost"),
            of("connection_timeout", ParamType.DURATION, "0s", true, "Old name of wait_timeout"),
            of("wait_timeout", ParamType.DURATION, "0s", true, "Close client sessions idle for longer than this; 0 disables"),
            of("net_write_timeout", ParamType.DURATION, "0s", true, "Close a session whose client has not read its replies for this long; 0 disables"),
            of("filters", ParamType.STRING, null, true, "Filter chain: filter section names separated by |"),
            oneOf("rank", ParamType.ENUM, "primary", true, List.of("primary", "secondary"),
                    "Routing preference of the service as another service's target; only primary"),
            of("strip_db_esc", ParamType.BOOL, "true", true,
                    "Read grant database names without their backslash escapes; only true (escapes are always read)"),
            of("session_track_trx_state", ParamType.BOOL, "false", true,
                    "Track transactions with session tracking; only false (status flags are read)"),
            of("force_connection_keepalive", ParamType.BOOL, "false", true,
                    "Ping idle backend connections of idle clients; only false"),
            of("retain_last_statements", ParamType.INTEGER, "-1", false,
                    "Statements each session of the service keeps; -1 uses the global retain_last_statements"));

    public static final List<ParamSpec> FILTER = List.of(
            required("type", ParamType.STRING, "filter"),
            required("module", ParamType.STRING, "Filter module"));

    public static final List<ParamSpec> LISTENER = List.of(
            required("type", ParamType.STRING, "listener"),
            required("service", ParamType.TARGET, "Service the listener feeds"),
            of("protocol", ParamType.STRING, "MariaDBClient", false, "Client protocol"),
            of("address", ParamType.STRING, "::", false, "Address to listen on"),
            of("port", ParamType.COUNT, "0", false, "Port to listen on"),
            of("socket", ParamType.PATH, null, false, "Unix socket to listen on"),
            of("authenticator", ParamType.STRING, "mariadbauth,ed25519auth", false, "Client authenticators: mariadbauth (native passwords, also for MySQL clients' SHA-256 plugins) and ed25519auth"),
            of("authenticator_options", ParamType.STRING, null, false, "Options of the authenticators, key=value pairs: skip_authentication, clear_pw_passthrough, match_host, lower_case_table_names, log_password_mismatch (false only), ed_mode, ed_rsa_privkey_path, ed_rsa_pubkey_path"),
            of("connection_init_sql_file", ParamType.PATH, null, false,
                    "SQL statements, one per line, run on each backend connection of the listener's sessions after"
                            + " login; each must succeed and return no rows"),
            of("user_mapping_file", ParamType.PATH, null, false, "MaxScale-format JSON mapping client users to backend credentials"),
            of("ssl", ParamType.BOOL, "false", false, "Require clients to use TLS"),
            of("ssl_cert", ParamType.PATH, null, false, "PEM certificate (chain) presented to clients"),
            of("ssl_key", ParamType.PATH, null, false, "PEM private key of ssl_cert"),
            of("ssl_ca", ParamType.PATH, null, false, "PEM CA certificates client certificates are verified against"),
            of("ssl_ca_cert", ParamType.PATH, null, false, "Old name of ssl_ca"),
            oneOf("ssl_version", ParamType.ENUM, "MAX", false, List.of("MAX", "TLSv10", "TLSv11", "TLSv12", "TLSv13"),
                    "TLS version; MAX allows TLSv1.2 and TLSv1.3"),
            of("ssl_cipher", ParamType.STRING, null, false, "Allowed cipher suites, separated by ':'"),
            of("ssl_verify_peer_certificate", ParamType.BOOL, "false", false, "Require a client certificate signed by ssl_ca"),
            of("ssl_verify_peer_host", ParamType.BOOL, "false", false, "Only false: client certificates are not checked against the client's host"),
            of("ssl_crl", ParamType.PATH, null, false, "PEM certificate revocation list"),
            of("proxy_protocol_networks", ParamType.STRING, null, false, "Networks allowed to send a PROXY protocol header: addresses, subnets (a.b.c.d/n), localhost or *"),
            of("max_packet_size", ParamType.SIZE, "1Gi", false, "Largest client command accepted; bigger ones are refused with error 1153"),
            of("connection_init_timeout", ParamType.DURATION, "10s", false, "Time a client has to complete the handshake and login"),
            oneOf("sql_mode", ParamType.ENUM, "default", false, List.of("default"),
                    "SQL dialect of the listener's sessions; only default, as Gatehouse has no Oracle-mode parser"));

    public static final List<ParamSpec> MONITOR = List.of(
            required("type", ParamType.STRING, "monitor"),
            required("module", ParamType.STRING, "Monitor module"),
            required("servers", ParamType.TARGET_LIST, "Servers to monitor"),
            required("user", ParamType.STRING, "Monitor user"),
            required("password", ParamType.PASSWORD, "Monitor password"),
            of("monitor_interval", ParamType.DURATION_MS, "2s", true, "Time between monitoring passes"),
            of("backend_connect_timeout", ParamType.DURATION, "3s", true, "Connect timeout of monitor connections"),
            of("backend_read_timeout", ParamType.DURATION, "3s", true, "Read timeout of monitor connections"),
            of("backend_write_timeout", ParamType.DURATION, "3s", true, "Write timeout of monitor connections"),
            of("backend_connect_attempts", ParamType.COUNT, "1", true, "Connection attempts per pass"),
            of("journal_max_age", ParamType.DURATION, "28800s", true, "Maximum age of the monitor journal"));
}
