package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterModule;
import java.util.List;

/** The readwritesplit module: statement-level routing of writes to the primary and reads to replicas. Stateless. */
public final class ReadWriteSplitModule implements RouterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("readwritesplit", ModuleKind.ROUTER,
            Maturity.BETA, ApiVersion.CURRENT, "A Read/Write splitting router for enhancement read scalability",
            "1.0.0", List.of(
                    ParamSpec.of("master_accept_reads", ParamType.BOOL, "false", true,
                            "Use the primary for reads too"),
                    ParamSpec.of("max_slave_connections", ParamType.COUNT, "255", true,
                            "Maximum replica connections per session"),
                    ParamSpec.of("max_replication_lag", ParamType.DURATION, "0s", true,
                            "Replicas lagging this much or more get no reads; 0 ignores lag"),
                    ParamSpec.oneOf("slave_selection_criteria", ParamType.ENUM, "least_current_operations", true,
                            List.of("least_current_operations", "adaptive_routing", "least_router_connections",
                                    "least_global_connections", "least_behind_master"),
                            "How a replica is chosen for a read"),
                    ParamSpec.oneOf("use_sql_variables_in", ParamType.ENUM, "all", true, List.of("all", "master"),
                            "Where reads of user variables may go"),
                    ParamSpec.of("slave_connections", ParamType.COUNT, "255", true,
                            "Replica connections opened when a session starts"),
                    ParamSpec.of("lazy_connect", ParamType.BOOL, "false", true,
                            "Open replica connections only when a read first needs one"),
                    ParamSpec.oneOf("master_failure_mode", ParamType.ENUM, "fail_on_write", true,
                            List.of("fail_instantly", "fail_on_write", "error_on_write"),
                            "When the primary is lost: end the session at once, at its first write, or answer"
                                    + " writes with an error"),
                    ParamSpec.of("strict_multi_stmt", ParamType.BOOL, "false", true,
                            "After a multi-statement packet, send everything to the primary"),
                    ParamSpec.of("strict_sp_calls", ParamType.BOOL, "false", true,
                            "After a CALL, send everything to the primary"),
                    ParamSpec.of("strict_tmp_tables", ParamType.BOOL, "true", true,
                            "End the session when its primary connection is lost while it has temporary tables"),
                    ParamSpec.oneOf("causal_reads", ParamType.ENUM, "none", true, List.of("none", "local", "global",
                                    "fast", "fast_global", "universal", "fast_universal",
                                    // MaxScale's deprecated boolean spellings: true is local, false none.
                                    "true", "false", "on", "off", "yes", "no", "1", "0"),
                            "Whose earlier writes a read on a replica sees (the session's, the service's or every"
                                    + " commit) and whether it waits for a replica or picks one that has them"),
                    ParamSpec.of("causal_reads_timeout", ParamType.DURATION, "10s", true,
                            "How long a replica may take to catch up before the read goes to the primary"),
                    ParamSpec.of("max_sescmd_history", ParamType.COUNT, "50", true,
                            "Session commands kept for replaying on replacement connections"),
                    ParamSpec.of("prune_sescmd_history", ParamType.BOOL, "true", true,
                            "Drop the oldest session command when the history is full (otherwise stop keeping it)"),
                    ParamSpec.of("disable_sescmd_history", ParamType.BOOL, "false", true,
                            "Keep no history: lost replica connections are not replaced"),
                    ParamSpec.of("retry_failed_reads", ParamType.BOOL, "true", true,
                            "Retry a read on another server when its server fails before answering"),
                    ParamSpec.of("reuse_prepared_statements", ParamType.BOOL, "false", true,
                            "Answer repeated prepares of the same SQL from the connection's earlier statement (the psreuse filter)"),
                    ParamSpec.of("master_reconnection", ParamType.BOOL, "true", true,
                            "Connect the new primary after a switchover or failover and carry on"),
                    ParamSpec.of("transaction_replay", ParamType.BOOL, "false", true,
                            "Replay the open transaction on a new primary; implies delayed_retry and"
                                    + " master_reconnection"),
                    ParamSpec.of("transaction_replay_max_size", ParamType.SIZE, "1Mi", true,
                            "Transactions larger than this are not kept for replay"),
                    ParamSpec.of("transaction_replay_attempts", ParamType.COUNT, "5", true,
                            "Replays one transaction may take"),
                    ParamSpec.of("transaction_replay_timeout", ParamType.DURATION, "30s", true,
                            "Time one transaction's replays may take in all; 0 for no limit"),
                    ParamSpec.of("transaction_replay_retry_on_deadlock", ParamType.BOOL, "false", true,
                            "Replay a transaction the server rolled back on a deadlock"),
                    ParamSpec.of("transaction_replay_retry_on_mismatch", ParamType.BOOL, "false", true,
                            "Replay again when a replay's results differ from what the client saw"),
                    ParamSpec.of("transaction_replay_safe_commit", ParamType.BOOL, "true", true,
                            "Never replay a COMMIT whose outcome cannot be checked"),
                    ParamSpec.oneOf("transaction_replay_checksum", ParamType.ENUM, "full", true,
                            List.of("full", "result_only", "no_insert_id"),
                            "What of each result a replay must reproduce"),
                    ParamSpec.of("transaction_replay_marker_table", ParamType.STRING, "", true,
                            "Gatehouse: a table (id VARCHAR(64) PRIMARY KEY, n BIGINT) in which each transaction"
                                    + " marks its COMMIT, so an interrupted COMMIT is checked, never guessed"),
                    ParamSpec.of("optimistic_trx", ParamType.BOOL, "false", true,
                            "Start transactions on a replica and replay them on the primary when they write"
                                    + " (the optimistictrx filter)"),
                    ParamSpec.of("delayed_retry", ParamType.BOOL, "false", true,
                            "Hold a statement while there is no primary, until one appears"),
                    ParamSpec.of("delayed_retry_timeout", ParamType.DURATION, "10s", true,
                            "How long delayed_retry holds a statement")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Router create(RouterContext context) {
        return new ReadWriteSplit(context);
    }
}
