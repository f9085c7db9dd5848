package io.gatehouse.core.session;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.Commands;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.QueryType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-session trace switch of the admin API ({@code PATCH /v1/sessions/:id} with {@code trace=true}): while on,
 * each statement of the session is logged and kept (the last {@link #CAPACITY}) with its classification, the rule
 * that decided its route, what the router weighed and the server whose reply the client got. The switch is flipped
 * by the admin thread and read by the session's worker (volatile); the entries are written by the worker and read
 * by the admin thread under this object's lock, taken once per statement only while tracing. Holds no buffers: the
 * statement's text is copied when the command starts.
 */
public final class SessionTrace {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTrace.class);
    /** Entries kept per session; older ones are dropped (the log has them all). */
    public static final int CAPACITY = 100;

    private final long sessionId;
    private volatile boolean on;
    private final ArrayDeque<SessionSnapshot.TraceEntry> entries = new ArrayDeque<>();
    // The current statement, on the worker only.
    private boolean started;
    private long atMillis;
    private String statement;
    private String classification;
    private String rule;
    private List<String> facts;
    /** The rule that stands when the router states none: what its kind of routing means. */
    private String routerRule = "";

    SessionTrace(long sessionId) {
        this.sessionId = sessionId;
    }

    /** True while tracing; any thread. */
    public boolean on() {
        return on;
    }

    /** Turns tracing on or off; any thread. Turning it on again keeps the entries traced before. */
    public void set(boolean tracing) {
        on = tracing;
    }

    /**
     * The session's router, told once when routing starts: a connection router sends every statement over the one
     * connection it opened at login, so that is its rule; other routers state theirs with {@link #decision}.
     */
    public void router(String name, boolean connectionRouter, io.gatehouse.api.config.Params service) {
        if (connectionRouter) {
            String options = service.has("router_options") && service.text("router_options") != null
                    ? service.text("router_options") : "";
            routerRule = "connection router " + name + (options.isEmpty() ? "" : " (router_options=" + options + ")")
                    + ": every statement goes over the session's one connection, to the server chosen at login";
        } else {
            routerRule = "router " + name + " stated no rule for this command: the target is the server that answered";
        }
    }

    /** A client command is about to be routed: its text and classification are taken now, while it is readable. */
    public void commandStarts(Command command) {
        started = on;
        if (!started) {
            return;
        }
        atMillis = System.currentTimeMillis();
        rule = null;
        facts = null;
        if (command.carriesSql()) {
            Classification c = command.classification();
            statement = command.sql();
            classification = "QUERY_TYPE_" + QueryType.toString(c.typeMask()).replace("|", "|QUERY_TYPE_")
                    + ", QUERY_OP_" + c.operation().name();
        } else {
            statement = Commands.name(command.command());
            classification = "";
        }
    }

    /** The router states how it decided the current statement. */
    public void decision(String decidingRule, List<String> weighed) {
        if (started) {
            rule = decidingRule;
            facts = List.copyOf(weighed);
        }
    }

    /**
     * The current command is done: its entry is logged and kept. {@code source} is the server whose reply reached the
     * client (null when Gatehouse answered itself); when the router stated no rule, its kind's rule stands, with the
     * service's {@code targets} and their states as the facts.
     */
    public void commandDone(String source, List<Server> targets) {
        if (!started) {
            return;
        }
        started = false;
        List<String> weighed = facts;
        if (rule == null) {
            weighed = new ArrayList<>();
            for (Server s : targets) {
                long lag = s.state().replicationLag();
                weighed.add("candidate " + s.name() + ": " + ServerStatus.describe(s.status()) + "; lag "
                        + (lag < 0 ? "unknown" : lag + "s"));
            }
        }
        SessionSnapshot.TraceEntry e = new SessionSnapshot.TraceEntry(atMillis, statement, classification,
                rule != null ? rule : routerRule, weighed, source != null ? source : "none: answered by Gatehouse");
        LOG.info("Trace of session {}: {} [{}] rule: {}; target: {}; {}", sessionId, e.statement(), e.classification(),
                e.rule(), e.target(), String.join("; ", e.facts()));
        synchronized (this) {
            if (entries.size() == CAPACITY) {
                entries.removeFirst();
            }
            entries.addLast(e);
        }
        statement = null;
        rule = null;
        facts = null;
    }

    /** The kept entries, oldest first; any thread. */
    public synchronized List<SessionSnapshot.TraceEntry> entries() {
        return List.copyOf(entries);
    }
}
