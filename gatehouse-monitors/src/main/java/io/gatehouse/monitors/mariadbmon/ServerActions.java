package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.QueryResult;
import io.gatehouse.protocol.client.ServerErrorException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL steps of cluster operations on one server, each through an operation connection the caller opened and
 * closes: promote, demote, point at a new source, wait for a GTID position. Runs on the monitor's thread; no buffers.
 * A step that fails throws with a message naming the server and the statement, for the operator.
 */
final class ServerActions {
    private static final Logger LOG = LoggerFactory.getLogger(ServerActions.class);
    private static final long POLL_MILLIS = 50;
    private static final long SLOW_STEP_MILLIS = 500;

    private ServerActions() {
    }

    /** A failed step, with the server and statement in its message. */
    static final class StepFailed extends Exception {
        StepFailed(String message) {
            super(message);
        }
    }

    static void run(BlockingClient c, String server, String sql) throws StepFailed {
        long start = System.nanoTime();
        try {
            c.execute(sql);
            logIfSlow(server, sql, start);
        } catch (ServerErrorException e) {
            throw new StepFailed(server + ": '" + redact(sql) + "' failed: " + e.getMessage());
        } catch (IOException e) {
            throw new StepFailed(server + ": '" + redact(sql) + "' failed: " + e);
        }
    }

    static QueryResult query(BlockingClient c, String server, String sql) throws StepFailed {
        long start = System.nanoTime();
        try {
            QueryResult q = c.query(sql);
            logIfSlow(server, sql, start);
            return q;
        } catch (ServerErrorException e) {
            throw new StepFailed(server + ": '" + sql + "' failed: " + e.getMessage());
        } catch (IOException e) {
            throw new StepFailed(server + ": '" + sql + "' failed: " + e);
        }
    }

    /** A statement of a cluster operation that took long is logged: the operator sees where a failover spent its time. */
    private static void logIfSlow(String server, String sql, long startNanos) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        if (millis >= SLOW_STEP_MILLIS) {
            LOG.warn("{}: '{}' took {} ms", server, redact(sql), millis);
        }
    }

    /**
     * Makes {@code p} a writable primary: stops and removes its replication, clears read_only, enables the events the
     * old primary ran (they replicate as disabled on replicas) and runs the promotion SQL file.
     */
    static void promote(BlockingClient c, ServerProbe p, List<ScheduledEvent> oldPrimaryEvents, ClusterSettings s)
            throws StepFailed {
        String name = p.server.name();
        removeReplication(c, p);
        run(c, name, "SET GLOBAL read_only = OFF");
        enableEvents(c, p, oldPrimaryEvents, s);
        runFile(c, name, s.promotionSqlFile(), false);
    }

    /**
     * With handle_events, enables on the new primary {@code p} the events of {@code oldPrimaryEvents} that it holds
     * disabled as a replica (SLAVESIDE_DISABLED).
     */
    static void enableEvents(BlockingClient c, ServerProbe p, List<ScheduledEvent> oldPrimaryEvents,
                             ClusterSettings s) throws StepFailed {
        if (!s.handleEvents() || oldPrimaryEvents.isEmpty()) {
            return;
        }
        String name = p.server.name();
        QueryResult q = query(c, name, "SELECT EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS"
                + " WHERE STATUS = 'SLAVESIDE_DISABLED'");
        Set<ScheduledEvent> wanted = Set.copyOf(oldPrimaryEvents);
        for (List<String> r : q.rows()) {
            ScheduledEvent ev = new ScheduledEvent(r.get(0), r.get(1));
            if (wanted.contains(ev)) {
                run(c, name, "ALTER EVENT " + ev.sql() + " ENABLE");
            }
        }
    }

    /** With handle_events, disables every enabled event of {@code p} as on a replica (DISABLE ON SLAVE). */
    static void disableEvents(BlockingClient c, ServerProbe p, ClusterSettings s) throws StepFailed {
        if (!s.handleEvents()) {
            return;
        }
        String name = p.server.name();
        QueryResult q = query(c, name, "SELECT EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS"
                + " WHERE STATUS = 'ENABLED'");
        for (List<String> r : q.rows()) {
            run(c, name, "ALTER EVENT " + new ScheduledEvent(r.get(0), r.get(1)).sql() + " DISABLE ON SLAVE");
        }
    }

    /** Stops every replication connection of {@code p} and forgets it. */
    static void removeReplication(BlockingClient c, ServerProbe p) throws StepFailed {
        String name = p.server.name();
        QueryResult q = query(c, name, "SHOW ALL SLAVES STATUS");
        for (int r = 0; r < q.rowCount(); r++) {
            String conn = Sql.connection(q.value(r, "Connection_name"));
            run(c, name, "STOP SLAVE" + conn);
            run(c, name, "RESET SLAVE" + conn + " ALL");
        }
    }

    /**
     * Points {@code replica} at {@code source}: its connection {@code connName} (default connection when empty) is
     * stopped, replaced with one to {@code source} using GTIDs ({@code gtidMode} is current_pos or slave_pos) and
     * started.
     */
    static void redirect(BlockingClient c, ServerProbe replica, String connName, ServerProbe source, String gtidMode,
                         ClusterSettings s) throws StepFailed {
        String name = replica.server.name();
        // private_address: the network the servers replicate over, when Gatehouse reaches them at another address.
        String sourceHost = source.server.privateAddress() != null ? source.server.privateAddress()
                : source.server.address();
        if (sourceHost == null) {
            throw new StepFailed(source.server.name() + " is configured with a unix socket only; replicas need"
                    + " its network address");
        }
        String conn = Sql.connection(connName);
        QueryResult q = query(c, name, "SHOW ALL SLAVES STATUS");
        for (int r = 0; r < q.rowCount(); r++) {
            if (Sql.connection(q.value(r, "Connection_name")).equals(conn)) {
                run(c, name, "STOP SLAVE" + conn);
                run(c, name, "RESET SLAVE" + conn + " ALL");
            }
        }
        StringBuilder sql = new StringBuilder("CHANGE MASTER").append(conn).append(" TO MASTER_HOST = ")
                .append(Sql.literal(sourceHost)).append(", MASTER_PORT = ").append(source.server.port())
                .append(", MASTER_USER = ").append(Sql.literal(s.replicationUser()))
                .append(", MASTER_PASSWORD = ").append(Sql.literal(s.replicationPassword()))
                .append(", MASTER_USE_GTID = ").append(gtidMode);
        if (s.replicationMasterSsl()) {
            sql.append(", MASTER_SSL = 1");
        }
        // The replica's own section may set its options, in place of the monitor's.
        String custom = replica.server.replicationCustomOptions() != null ? replica.server.replicationCustomOptions()
                : s.replicationCustomOptions();
        if (custom != null) {
            sql.append(", ").append(custom);
        }
        run(c, name, sql.toString());
        run(c, name, "START SLAVE" + conn);
        LOG.info("{} now replicates from {} ({})", name, source.server.name(), gtidMode);
    }

    /**
     * Stops {@code p} taking writes for a switchover: read_only on, the sessions of users who ignore read_only killed
     * (except {@code keepIds}), its events disabled, then waits until its binlog position stops moving and runs the
     * demotion SQL file. Returns that final position.
     */
    static Gtid demote(BlockingClient c, ServerProbe p, Set<Long> keepIds, ClusterSettings s, long deadlineNanos)
            throws StepFailed, InterruptedException {
        String name = p.server.name();
        run(c, name, "SET GLOBAL read_only = ON");
        killReadOnlyBypassers(c, name, keepIds);
        if (s.handleEvents()) {
            for (ScheduledEvent ev : p.enabledEvents) {
                run(c, name, "ALTER EVENT " + ev.sql() + " DISABLE ON SLAVE");
            }
        }
        String last = scalar(c, name, "SELECT @@gtid_binlog_pos");
        while (true) {
            Thread.sleep(POLL_MILLIS);
            String now = scalar(c, name, "SELECT @@gtid_binlog_pos");
            if (now.equals(last)) {
                break;
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new StepFailed(name + ": its GTID position kept changing after read_only was set");
            }
            last = now;
        }
        runFile(c, name, s.demotionSqlFile(), true);
        return Gtid.parse(scalar(c, name, "SELECT @@gtid_binlog_pos"));
    }

    /**
     * Ends the sessions of accounts that read_only does not stop (SUPER or READ_ONLY ADMIN), as a switchover must:
     * otherwise they could still write on the old primary after its last position was taken. The privilege counts
     * when granted directly or through a role, nested roles included: a user with such a role has it active from
     * login when it is the default role, and can activate it with SET ROLE at any moment otherwise, so every holder
     * is ended.
     */
    private static void killReadOnlyBypassers(BlockingClient c, String name, Set<Long> keepIds) throws StepFailed {
        Set<String> privileged = readOnlyBypassers(c, name);
        if (privileged.isEmpty()) {
            return;
        }
        QueryResult sessions = query(c, name, "SELECT ID, USER FROM information_schema.PROCESSLIST"
                + " WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Binlog Dump', 'Daemon', 'Killed')");
        List<Long> victims = new ArrayList<>();
        for (List<String> r : sessions.rows()) {
            long id = Long.parseLong(r.get(0));
            if (privileged.contains(r.get(1)) && !keepIds.contains(id)) {
                victims.add(id);
            }
        }
        for (long id : victims) {
            try {
                c.execute("KILL CONNECTION " + id);
            } catch (ServerErrorException e) {
                // 1094: the session ended by itself meanwhile.
                if (e.code() != 1094) {
                    throw new StepFailed(name + ": KILL CONNECTION " + id + " failed: " + e.getMessage());
                }
            } catch (IOException e) {
                throw new StepFailed(name + ": KILL CONNECTION " + id + " failed: " + e);
            }
        }
        if (!victims.isEmpty()) {
            LOG.info("{}: ended {} session(s) of users that bypass read_only", name, victims.size());
        }
    }

    /**
     * The names of the users and roles that hold SUPER or READ_ONLY ADMIN directly, and of those granted a role that
     * does (following {@code mysql.roles_mapping} through nested roles; a role's grants are read with SHOW GRANTS). Hosts are ignored: a session is matched by
     * user name, which may end a few sessions too many but never leaves a bypassing one.
     */
    static Set<String> readOnlyBypassers(BlockingClient c, String name) throws StepFailed {
        QueryResult grantees = query(c, name, "SELECT DISTINCT GRANTEE FROM information_schema.USER_PRIVILEGES"
                + " WHERE PRIVILEGE_TYPE IN ('SUPER', 'READ_ONLY ADMIN')");
        Set<String> privileged = new java.util.HashSet<>();
        for (List<String> r : grantees.rows()) {
            privileged.add(granteeName(r.get(0)));
        }
        QueryResult mapping;
        try {
            mapping = query(c, name, "SELECT User, Role FROM mysql.roles_mapping");
        } catch (StepFailed e) {
            LOG.warn("{}: cannot read mysql.roles_mapping, so sessions that have SUPER or READ_ONLY ADMIN through a"
                    + " role are not ended (grant the monitor user SELECT on mysql.roles_mapping): {}", name,
                    e.getMessage());
            return privileged;
        }
        // information_schema.USER_PRIVILEGES lists users only; a role's own global grants come from SHOW GRANTS.
        Set<String> roles = new java.util.TreeSet<>();
        for (List<String> r : mapping.rows()) {
            if (r.get(1) != null) {
                roles.add(r.get(1));
            }
        }
        for (String role : roles) {
            for (List<String> g : query(c, name, "SHOW GRANTS FOR " + Sql.literal(role)).rows()) {
                if (bypassesReadOnly(g.get(0))) {
                    privileged.add(role);
                }
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (List<String> r : mapping.rows()) {
                if (r.get(0) != null && r.get(1) != null && privileged.contains(r.get(1))) {
                    grew |= privileged.add(r.get(0));
                }
            }
        }
        return privileged;
    }

    /** True for a {@code GRANT ... ON *.* TO ...} line that gives SUPER, READ_ONLY ADMIN or everything. */
    private static boolean bypassesReadOnly(String grantLine) {
        int on = grantLine.indexOf(" ON *.* TO ");
        if (on < 0) {
            return false;
        }
        String privileges = grantLine.substring(0, on);
        return privileges.contains("SUPER") || privileges.contains("READ_ONLY ADMIN")
                || privileges.contains("ALL PRIVILEGES");
    }

    /** {@code 'name'@'host'} (a role is shown as {@code 'name'} or with an empty host) to {@code name}. */
    private static String granteeName(String grantee) {
        String g = grantee.strip();
        int at = g.lastIndexOf("'@'");
        if (at > 0 && g.startsWith("'")) {
            return g.substring(1, at).replace("''", "'");
        }
        if (g.length() >= 2 && g.startsWith("'") && g.endsWith("'")) {
            return g.substring(1, g.length() - 1).replace("''", "'");
        }
        return g;
    }

    /** Undoes a demotion whose switchover could not finish, so the old primary takes writes again. */
    static void undoDemotion(BlockingClient c, ServerProbe p, ClusterSettings s) {
        try {
            run(c, p.server.name(), "SET GLOBAL read_only = OFF");
            if (s.handleEvents()) {
                for (ScheduledEvent ev : p.enabledEvents) {
                    run(c, p.server.name(), "ALTER EVENT " + ev.sql() + " ENABLE");
                }
            }
        } catch (StepFailed e) {
            LOG.error("Could not undo the demotion of {}: {}", p.server.name(), e.getMessage());
        }
    }

    /**
     * Waits until {@code p}'s {@code gtid_current_pos} covers {@code target}; fails early when its SQL thread stops
     * with an error, since the position would then never be reached.
     */
    static void awaitPosition(BlockingClient c, ServerProbe p, Gtid target, long deadlineNanos, String why)
            throws StepFailed, InterruptedException {
        String name = p.server.name();
        long start = System.nanoTime();
        while (true) {
            Gtid now = Gtid.parse(scalar(c, name, "SELECT @@gtid_current_pos"));
            if (now.covers(target)) {
                long millis = (System.nanoTime() - start) / 1_000_000;
                if (millis >= SLOW_STEP_MILLIS) {
                    LOG.warn("{} reached {} after {} ms ({})", name, target, millis, why);
                }
                return;
            }
            QueryResult st = query(c, name, "SHOW ALL SLAVES STATUS");
            for (int r = 0; r < st.rowCount(); r++) {
                String err = st.value(r, "Last_SQL_Error");
                if (!"Yes".equals(st.value(r, "Slave_SQL_Running")) && err != null && !err.isEmpty()) {
                    throw new StepFailed(name + ": replication SQL thread stopped (" + err + ") before reaching "
                            + target + " (" + why + ")");
                }
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new StepFailed(name + " did not reach " + target + " in time (" + why + "); it is at " + now);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    static String scalar(BlockingClient c, String name, String sql) throws StepFailed {
        QueryResult q = query(c, name, sql);
        String v = q.rowCount() == 0 ? null : q.rows().get(0).get(0);
        return v == null ? "" : v;
    }

    private static void runFile(BlockingClient c, String name, java.nio.file.Path file, boolean noBinlog)
            throws StepFailed {
        if (file == null) {
            return;
        }
        List<String> statements;
        try {
            statements = Sql.statementsOf(file);
        } catch (IOException e) {
            throw new StepFailed(name + ": cannot read " + file + ": " + e.getMessage());
        }
        // The demoted primary must not write GTIDs its new source never had, or it could not replicate.
        if (noBinlog) {
            run(c, name, "SET SESSION sql_log_bin = 0");
        }
        try {
            for (String st : statements) {
                run(c, name, st);
            }
        } finally {
            if (noBinlog) {
                run(c, name, "SET SESSION sql_log_bin = 1");
            }
        }
        LOG.info("{}: ran {} statement(s) from {}", name, statements.size(), file);
    }

    private static String redact(String sql) {
        return sql.replaceAll("(?i)(MASTER_PASSWORD\\s*=\\s*)'(?:[^'\\\\]|\\\\.)*'", "$1'***'");
    }
}
