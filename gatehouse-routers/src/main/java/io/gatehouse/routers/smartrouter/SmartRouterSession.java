package io.gatehouse.routers.smartrouter;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.StatusFlags;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.QueryType;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session of smartrouter: connects every target that takes sessions, then sends writes, transactions,
 * temporary tables and everything not understood to the master target, session commands to every target (the
 * client gets the master's answer), and each read either to the target measured fastest for its canonical form or,
 * when there is no recent measurement, to every target: the first to answer is the one the client hears and the
 * one recorded. The client's answer is completed (its last chunk held back) once every target asked has answered;
 * the others' answers are dropped.
 * Confined to the session's worker thread; owns each command packet until written and each reply chunk until
 * forwarded or released.
 */
final class SmartRouterSession implements RouterSession {
    private static final Logger LOG = LoggerFactory.getLogger(SmartRouterSession.class);
    private static final int SESSION_BITS = QueryType.SESSION_WRITE | QueryType.USERVAR_WRITE
            | QueryType.GSYSVAR_WRITE;

    private final SmartRouter router;
    private RouterSessionContext ctx;
    private Endpoint master;
    private final List<Endpoint> live = new ArrayList<>();
    private final Set<Endpoint> connecting = new LinkedHashSet<>();
    private ByteBuf masterOk;
    private boolean loggedIn;
    /** From the master's last status flags: a transaction is open, or autocommit is off. */
    private boolean inTransaction;
    private final Set<String> temporaryTables = new HashSet<>();
    // The command in progress.
    private final Set<Endpoint> pending = new LinkedHashSet<>();
    /** The connection whose answer the client gets; null while a measurement waits for its first answer. */
    private Endpoint forwarding;
    /** The canonical form being measured, or null. */
    private String measuring;
    private long startNanos;
    /** The last chunk of the heard answer, held until every target asked has answered. */
    private ByteBuf tail;

    SmartRouterSession(SmartRouter router) {
        this.router = router;
    }

    @Override
    public void start(RouterSessionContext context) {
        this.ctx = context;
        String masterName = router.master();
        for (ServerView s : context.targets()) {
            if (!ServerStatus.acceptsNewSessions(s.status())) {
                continue;
            }
            Endpoint e = context.connect(s);
            live.add(e);
            connecting.add(e);
            if (s.name().equals(masterName)) {
                master = e;
            }
        }
        if (master == null) {
            context.fail(2003, "HY000", "The master target '" + masterName + "' of service '"
                    + router.context.serviceName() + "' is not running or not one of its targets");
        }
    }

    @Override
    public void endpointReady(Endpoint e, ByteBuf ok) {
        connecting.remove(e);
        if (e == master && !loggedIn) {
            masterOk = ok;
        } else {
            ok.release();
        }
        loginIfSettled();
    }

    /** The client is logged in once every connection logged in or failed, so that none misses a session command. */
    private void loginIfSettled() {
        if (loggedIn || !connecting.isEmpty() || masterOk == null) {
            return;
        }
        loggedIn = true;
        ByteBuf ok = masterOk;
        masterOk = null;
        ctx.loginDone(ok);
    }

    @Override
    public void routeQuery(Command command) {
        router.queries.increment();
        int cmd = command.command();
        pending.clear();
        measuring = null;
        forwarding = null;
        startNanos = System.nanoTime();
        if (cmd == Commands.COM_INIT_DB || cmd == Commands.COM_SET_OPTION || cmd == Commands.COM_RESET_CONNECTION) {
            toAll(command, master);
            return;
        }
        if (cmd != Commands.COM_QUERY) {
            toOne(command, master);                     // prepared statements and the rest live on the master
            return;
        }
        Classification c = command.classification();
        temporaryTables.addAll(lower(c.temporaryTablesCreated()));
        if ((c.typeMask() & SESSION_BITS) != 0 && !c.isWrite()) {
            toAll(command, master);
            return;
        }
        if (inTransaction || !c.isReadOnlySafe() || readsTemporary(c)) {
            toOne(command, master);
            return;
        }
        String canonical = c.canonical();
        String fastest = router.fastest(canonical, startNanos);
        Endpoint chosen = fastest == null ? null : byName(fastest);
        if (chosen != null) {
            router.routedByMeasurement.increment();
            toOne(command, chosen);
            return;
        }
        measuring = canonical;
        toAll(command, null);
    }

    private static List<String> lower(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    private boolean readsTemporary(Classification c) {
        if (temporaryTables.isEmpty()) {
            return false;
        }
        for (String t : c.tablesRead()) {
            String name = t.toLowerCase(Locale.ROOT);
            if (temporaryTables.contains(name) || temporaryTables.contains(name.substring(name.indexOf('.') + 1))) {
                return true;
            }
        }
        return false;
    }

    private Endpoint byName(String target) {
        for (Endpoint e : live) {
            if (e.server().name().equals(target) && e.isReady()) {
                return e;
            }
        }
        return null;
    }

    private void toOne(Command command, Endpoint e) {
        forwarding = e;
        if (!Commands.hasNoReply(command.command())) {
            pending.add(e);
        }
        e.write(command.packet(), command.command());
    }

    /** Sends the command to every live target; {@code answering} (or, when null, the first to answer) is heard. */
    private void toAll(Command command, Endpoint answering) {
        forwarding = answering;
        ByteBuf packet = command.packet();
        for (Endpoint e : live) {
            if (e == master || !e.isReady()) {
                continue;
            }
            pending.add(e);
            e.write(ctx.alloc().buffer(packet.readableBytes()).writeBytes(packet, packet.readerIndex(),
                    packet.readableBytes()), command.command());
        }
        pending.add(master);
        master.write(packet, command.command());
    }

    @Override
    public void clientReply(Endpoint from, ByteBuf buf, Reply reply) {
        if (forwarding == null && measuring != null && pending.contains(from)) {
            forwarding = from;                          // the first target to answer is the one the client hears
        }
        if (from != forwarding) {
            buf.release();
        } else if (reply != null && pending.size() > 1) {
            tail = buf;
        } else {
            ctx.clientWrite(buf);
        }
        if (reply == null) {
            return;
        }
        if (from == master) {
            int status = reply.status();
            inTransaction = (status & StatusFlags.IN_TRANS) != 0 || (status & StatusFlags.AUTOCOMMIT) == 0;
        }
        if (from == forwarding && measuring != null && !reply.isError()) {
            long now = System.nanoTime();
            router.measured(measuring, from.server().name(), now - startNanos, now);
        }
        if (reply.isError() && from != forwarding) {
            LOG.info("{}: '{}' refused what the others took: {}", router.context.serviceName(), from.server().name(),
                    reply.errorMessage());
        }
        pending.remove(from);
        if (pending.isEmpty()) {
            commandDone();
        }
    }

    /** Every target asked has answered: the client's answer is completed and the next command may come. */
    private void commandDone() {
        measuring = null;
        forwarding = null;
        if (tail != null) {
            ByteBuf t = tail;
            tail = null;
            ctx.clientWrite(t);
        }
        ctx.commandDone();
    }

    @Override
    public void endpointFailed(Endpoint e, int code, String sqlState, String message) {
        connecting.remove(e);
        live.remove(e);
        if (e == master || e == forwarding) {
            ctx.fail(code, sqlState, "Lost target '" + e.server().name() + "': " + message);
            return;
        }
        LOG.info("{}: session {} goes on without '{}': {}", router.context.serviceName(), ctx.client().sessionId(),
                e.server().name(), message);
        e.close();
        if (pending.remove(e) && pending.isEmpty()) {
            commandDone();
        }
        loginIfSettled();
    }

    @Override
    public void close() {
        if (tail != null) {
            tail.release();
            tail = null;
        }
        if (masterOk != null) {
            masterOk.release();
            masterOk = null;
        }
    }
}
