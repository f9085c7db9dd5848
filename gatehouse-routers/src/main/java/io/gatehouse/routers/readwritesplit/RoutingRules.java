package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.QueryType;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where a text statement goes, by its classification and the session's transaction state, following MaxScale's
 * documented readwritesplit rules; also which replicas qualify and how busy they are. Per session (it remembers the
 * session's temporary tables); confined to the session's worker thread; no buffers.
 */
final class RoutingRules {
    /** The kinds of destination. */
    enum Target { PRIMARY, REPLICA, ALL, READ_ONLY_TRX_START, READ_ONLY_TRX, READ_ONLY_TRX_END, LAST_READ }

    /** Statements every connection must run so that all of them keep the same session state. */
    private static final int SESSION_BITS = QueryType.SESSION_WRITE | QueryType.USERVAR_WRITE
            | QueryType.ENABLE_AUTOCOMMIT | QueryType.DISABLE_AUTOCOMMIT | QueryType.PREPARE_NAMED_STMT
            | QueryType.DEALLOC_PREPARE | QueryType.NEXT_TRX;

    // The service's settings, read once when the session starts: a parameter is a lookup by name, too slow for
    // every statement, and a session keeps the configuration it started with anyway.
    private final boolean strictSpCalls;
    private final boolean strictMultiStmt;
    private final boolean variablesOnPrimaryAlways;
    private final long maxLagMillis;
    private final String selectionCriteria;
    private final boolean masterAcceptReads;
    private final boolean retryFailedReads;
    private final int maxReplicaConnections;
    /** Classifies the text of {@code PREPARE name FROM '...'} as the session's own statements are. */
    private final java.util.function.Function<String, Classification> classifier;
    private final Set<String> temporaryTables = new HashSet<>();
    private final boolean strictTmpTables;
    /** Text prepared statements by name, with what they do, so that EXECUTE can go where the statement may. */
    private final java.util.Map<String, Classification> named = new java.util.HashMap<>();
    private Classification last;
    /** Set once a stored procedure ran: it may have set user variables on the primary alone. */
    private boolean variablesOnlyOnPrimary;
    /** strict_multi_stmt, strict_sp_calls or SERIALIZABLE: from now on everything goes to the primary. */
    private boolean lockedToPrimary;

    RoutingRules(Params params, java.util.function.Function<String, Classification> classifier) {
        this.classifier = classifier;
        this.strictSpCalls = params.bool("strict_sp_calls");
        this.strictMultiStmt = params.bool("strict_multi_stmt");
        this.variablesOnPrimaryAlways = "master".equals(params.string("use_sql_variables_in"));
        // Milliseconds: with mariadbmon's replication_heartbeat the lag is measured below a second (500ms works).
        this.maxLagMillis = params.duration("max_replication_lag").toMillis();
        this.strictTmpTables = params.bool("strict_tmp_tables");
        this.selectionCriteria = params.string("slave_selection_criteria");
        this.masterAcceptReads = params.bool("master_accept_reads");
        this.retryFailedReads = params.bool("retry_failed_reads");
        this.maxReplicaConnections = (int) params.integer("max_slave_connections");
    }

    /** Where a statement goes and, in words, the rule that sent it there (for EXPLAIN ROUTE). */
    record Decision(Target target, String rule) {
    }

    // Every decision is one of these constants: routing a statement allocates none.
    private static final Decision RO_TRX_END =
            new Decision(Target.READ_ONLY_TRX_END, "ends the read-only transaction on its replica");
    private static final Decision RO_TRX_WRITE =
            new Decision(Target.PRIMARY, "a write inside a read-only transaction: the primary");
    private static final Decision RO_TRX =
            new Decision(Target.READ_ONLY_TRX, "inside a read-only transaction: its replica");
    private static final Decision EXECUTE_READ =
            new Decision(Target.REPLICA, "EXECUTE of a prepared read outside a transaction: a replica");
    private static final Decision MULTI = new Decision(Target.PRIMARY, "several statements in one: the primary");
    private static final Decision MULTI_STRICT = new Decision(Target.PRIMARY, "several statements in one: the primary"
            + ", and every later statement too (strict_multi_stmt)");
    private static final String LOCKED_WHY =
            "the session is locked to the primary (strict_sp_calls, strict_multi_stmt or SERIALIZABLE)";
    private static final Decision LOCKED_SESSION =
            new Decision(Target.ALL, "session command, run on every connection; " + LOCKED_WHY);
    private static final Decision LOCKED = new Decision(Target.PRIMARY, LOCKED_WHY);
    private static final Decision SETS_VARIABLES =
            new Decision(Target.ALL, "sets user variables: a session command, run on every connection");
    private static final Decision SESSION_COMMAND =
            new Decision(Target.ALL, "changes the session: a session command, run on every connection");
    private static final Decision RO_TRX_START =
            new Decision(Target.READ_ONLY_TRX_START, "starts a read-only transaction: it runs on a replica");
    private static final Decision IN_RW_TRX =
            new Decision(Target.PRIMARY, "inside a read-write transaction (or autocommit off): the primary");
    private static final Decision FOUND_ROWS =
            new Decision(Target.LAST_READ, "FOUND_ROWS() reads where the last read ran");
    private static final Decision READS_TEMPORARY =
            new Decision(Target.PRIMARY, "reads a temporary table, which only the primary has");
    private static final Decision READS_VARIABLES = new Decision(Target.PRIMARY,
            "reads user variables that only the primary is sure to have"
            + " (use_sql_variables_in=master, or a stored procedure ran)");
    private static final Decision READ = new Decision(Target.REPLICA, "a read outside a transaction: a replica");
    private static final Decision RW_TRX_START =
            new Decision(Target.PRIMARY, "starts a read-write transaction: the primary");
    private static final Decision UNKNOWN = new Decision(Target.PRIMARY,
            "not understood by the classifier, so treated as a write: the primary");
    private static final Decision WRITE =
            new Decision(Target.PRIMARY, "a write (or not safe on a replica): the primary");

    /**
     * Where {@code c} goes; remembers what it changes for the statements after it (names, locks).
     * {@code inReadWriteTransaction}: statements run inside a transaction on the primary (one is open, or autocommit
     * is off); {@code transactionOpen}: the primary reports one open. With autocommit off and none open,
     * {@code START TRANSACTION READ ONLY} still starts a read-only transaction on a replica.
     */
    Target decide(Classification c, boolean inReadWriteTransaction, boolean transactionOpen,
                  boolean inReadOnlyTransaction) {
        last = c;
        if (!inReadOnlyTransaction) {
            remember(c);
        }
        return explain(c, inReadWriteTransaction, transactionOpen, inReadOnlyTransaction).target();
    }

    /** What routing {@code c} changes for later statements: prepared names, stored procedures, locks. */
    private void remember(Classification c) {
        int mask = c.typeMask();
        if ((mask & QueryType.PREPARE_NAMED_STMT) != 0 && c.preparedName() != null) {
            String sql = c.preparedSql();
            named.put(c.preparedName().toLowerCase(Locale.ROOT), sql == null ? c : classifier.apply(sql));
        }
        if ((mask & QueryType.DEALLOC_PREPARE) != 0 && c.preparedName() != null) {
            named.remove(c.preparedName().toLowerCase(Locale.ROOT));
        }
        if (c.operation() == io.gatehouse.sql.Operation.CALL) {
            variablesOnlyOnPrimary = true;
        }
        lockedToPrimary |= locks(c);
    }

    /** True when {@code c} locks the session to the primary from now on. */
    private boolean locks(Classification c) {
        return c.operation() == io.gatehouse.sql.Operation.CALL && strictSpCalls
                || c.isMultiStatement() && strictMultiStmt
                // SERIALIZABLE reads take locks: they must all happen where the writes happen.
                || (c.typeMask() & (QueryType.SESSION_WRITE | QueryType.NEXT_TRX)) != 0 && c.sql() != null
                && c.sql().toUpperCase(Locale.ROOT).contains("SERIALIZABLE");
    }

    /**
     * Where {@code c} would go and why, changing nothing: {@link #decide} after {@link #remember}, and EXPLAIN ROUTE
     * without it (the statement's own effects are counted in as if it ran).
     */
    Decision explain(Classification c, boolean inReadWriteTransaction, boolean transactionOpen,
                     boolean inReadOnlyTransaction) {
        int mask = c.typeMask();
        if (inReadOnlyTransaction) {
            return (mask & (QueryType.COMMIT | QueryType.ROLLBACK)) != 0
                    ? RO_TRX_END : (mask & QueryType.WRITE) != 0 ? RO_TRX_WRITE : RO_TRX;
        }
        boolean varsOnPrimary = variablesOnlyOnPrimary || c.operation() == io.gatehouse.sql.Operation.CALL;
        if ((mask & QueryType.EXEC_STMT) != 0 && c.preparedName() != null && !inReadWriteTransaction) {
            Classification target = named.get(c.preparedName().toLowerCase(Locale.ROOT));
            if (target != null && target.isReadOnlySafe() && !readsTemporaryTable(target)
                    && !variablesOnPrimary(target.typeMask(), varsOnPrimary) && (mask & QueryType.USERVAR_WRITE) == 0) {
                return EXECUTE_READ;
            }
        }
        if (c.isMultiStatement()) {
            return strictMultiStmt ? MULTI_STRICT : MULTI;
        }
        if (lockedToPrimary || locks(c)) {
            return (mask & SESSION_BITS) != 0 && (mask & QueryType.WRITE) == 0 ? LOCKED_SESSION : LOCKED;
        }
        if ((mask & SESSION_BITS) != 0 && (mask & (QueryType.WRITE | QueryType.GSYSVAR_WRITE)) == 0) {
            return (mask & QueryType.USERVAR_WRITE) != 0 ? SETS_VARIABLES : SESSION_COMMAND;
        }
        if ((mask & QueryType.BEGIN_TRX) != 0 && c.isReadOnlyTransaction() && !transactionOpen) {
            return RO_TRX_START;
        }
        if (inReadWriteTransaction) {
            return IN_RW_TRX;
        }
        java.util.List<String> functions = c.functions();
        for (int i = 0, n = functions.size(); i < n; i++) {       // indexed: no iterator per statement
            if (functions.get(i).equalsIgnoreCase("found_rows")) {
                return FOUND_ROWS;
            }
        }
        if (c.isReadOnlySafe()) {
            if (readsTemporaryTable(c)) {
                return READS_TEMPORARY;
            }
            if (variablesOnPrimary(mask, varsOnPrimary)) {
                return READS_VARIABLES;
            }
            return READ;
        }
        if ((mask & QueryType.BEGIN_TRX) != 0) {
            return RW_TRX_START;
        }
        return c.isUnknown() ? UNKNOWN : WRITE;
    }

    /** Called after a statement succeeded: temporary tables it created or dropped are remembered. */
    void afterStatement() {
        if (last == null) {
            return;
        }
        java.util.List<String> created = last.temporaryTablesCreated();
        for (int i = 0, n = created.size(); i < n; i++) {    // indexed: no iterator per statement
            temporaryTables.add(bare(created.get(i)));
        }
        if (last.isTemporaryTableDrop() || !last.tablesDropped().isEmpty()) {
            for (String t : last.tablesDropped()) {
                temporaryTables.remove(bare(t));
            }
        }
        last = null;
    }

    /** The session was reset (COM_RESET_CONNECTION, COM_CHANGE_USER): nothing of it is left on the servers. */
    /**
     * strict_tmp_tables (default true, as in MaxScale 24.02): the session holds temporary tables, which live only on
     * its primary connection, so losing that connection must end the session rather than let them vanish.
     */
    boolean temporaryTablesBindToPrimary() {
        return strictTmpTables && !temporaryTables.isEmpty();
    }

    /**
     * A restart: what the replaced session's statements left that decides routing from now on moves here: its
     * temporary tables (which bind it to the primary under strict_tmp_tables), its text prepared statements, and
     * whether user variables or everything are bound to the primary.
     */
    void takeOver(RoutingRules from) {
        temporaryTables.addAll(from.temporaryTables);
        from.temporaryTables.clear();
        named.putAll(from.named);
        from.named.clear();
        variablesOnlyOnPrimary |= from.variablesOnlyOnPrimary;
        lockedToPrimary |= from.lockedToPrimary;
    }

    void forgetTemporaryTables() {
        temporaryTables.clear();
        named.clear();
        variablesOnlyOnPrimary = false;
    }

    boolean readsTemporaryTable(Classification c) {
        if (temporaryTables.isEmpty()) {
            return false;
        }
        for (String t : c.tablesRead()) {
            if (temporaryTables.contains(bare(t))) {
                return true;
            }
        }
        return false;
    }

    private boolean variablesOnPrimary(int mask, boolean onlyOnPrimary) {
        return (mask & QueryType.USERVAR_READ) != 0 && (onlyOnPrimary || variablesOnPrimaryAlways);
    }

    /** A hint's {@code max_slave_replication_lag} for the statement being routed; 0 clears it. */
    void lagLimitForNextRead(long seconds) {
        hintLag = seconds;
    }

    private long hintLag;

    /**
     * True while a replica connection to {@code s} may stay open: the server is running, still a replica, and
     * neither in maintenance nor draining. Lag past {@code max_replication_lag} (or a hint's limit) only keeps reads
     * off the replica: lag comes and goes, and closing on every spike would replay the session's history each time.
     */
    boolean keepsReplica(ServerView s) {
        int st = s.status();
        return ServerStatus.acceptsNewSessions(st) && ServerStatus.has(st, ServerStatus.SLAVE);
    }

    boolean usableReplica(ServerView s) {
        int st = s.status();
        if (!ServerStatus.acceptsNewSessions(st) || !ServerStatus.has(st, ServerStatus.SLAVE)) {
            return false;
        }
        long maxLag = hintLag > 0 ? hintLag * 1000 : maxLagMillis;
        if (maxLag > 0) {
            long lag = s.state().replicationLagMillis();
            return lag >= 0 && lag < maxLag;
        }
        return true;
    }

    /**
     * Smaller is better, by {@code slave_selection_criteria}. {@code adaptive_routing} weighs the server's average
     * response time by the statements already running on it, so a fast but busy replica is not overloaded.
     */
    long load(ServerView s) {
        return switch (selectionCriteria) {
            case "least_router_connections", "least_global_connections" -> s.currentConnections();
            case "least_behind_master" -> Math.max(0, s.state().replicationLagMillis());
            case "adaptive_routing" -> Math.max(1, s.averageResponseNanos()) * (1 + s.activeOperations());
            default -> s.activeOperations();
        };
    }

    boolean masterAcceptReads() {
        return masterAcceptReads;
    }

    /** {@code max_slave_connections}: how many replicas a session keeps connections to. */
    int maxReplicaConnections() {
        return maxReplicaConnections;
    }

    boolean retryFailedReads() {
        return retryFailedReads;
    }

    /** Table names compare without the database and case, which is how temporary tables are usually named. */
    private static String bare(String qualified) {
        int dot = qualified.lastIndexOf('.');
        String t = dot >= 0 ? qualified.substring(dot + 1) : qualified;
        return t.replace("`", "").toLowerCase(Locale.ROOT);
    }
}
