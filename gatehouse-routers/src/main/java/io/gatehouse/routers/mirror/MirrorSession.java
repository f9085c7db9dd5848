package io.gatehouse.routers.mirror;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.protocol.Commands;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session of mirror: connects every target that takes sessions, sends each command to all of them (the
 * main target gets the client's packet, the others copies), streams the main target's answer to the client but for
 * its last chunk, folds every answer into a {@link MirrorReport}, and once every target has answered exports the
 * report and completes the client's answer, so a client that leaves right after it loses no report. Confined to
 * the session's worker thread; owns each command packet until written and each reply chunk until forwarded (main)
 * or released (the others).
 */
final class MirrorSession implements RouterSession {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorSession.class);

    private final MirrorRouter router;
    private RouterSessionContext ctx;
    private Endpoint main;
    /** The connections still in use, main first. */
    private final List<Endpoint> live = new ArrayList<>();
    private final Set<Endpoint> connecting = new LinkedHashSet<>();
    private ByteBuf mainOk;
    private boolean loggedIn;
    private long queryId;
    private MirrorReport report;
    /** The last chunk of main's answer, held until every target has answered (then the client may go on). */
    private ByteBuf mainTail;

    MirrorSession(MirrorRouter router) {
        this.router = router;
    }

    @Override
    public void start(RouterSessionContext context) {
        this.ctx = context;
        String mainName = router.main();
        ServerView mainView = null;
        for (ServerView s : context.targets()) {
            if (s.name().equals(mainName)) {
                mainView = s;
            }
        }
        if (mainView == null || !ServerStatus.acceptsNewSessions(mainView.status())) {
            context.fail(2003, "HY000", "The main target '" + mainName + "' of service '"
                    + router.context.serviceName() + "' is not " + (mainView == null ? "one of its targets"
                    : "running"));
            return;
        }
        main = context.connect(mainView);
        live.add(main);
        connecting.add(main);
        for (ServerView s : context.targets()) {
            if (s != mainView && ServerStatus.acceptsNewSessions(s.status())) {
                Endpoint e = context.connect(s);
                live.add(e);
                connecting.add(e);
            }
        }
    }

    @Override
    public void endpointReady(Endpoint e, ByteBuf ok) {
        connecting.remove(e);
        if (e == main && !loggedIn) {
            mainOk = ok;
        } else {
            ok.release();
        }
        loginIfSettled();
    }

    /** The client is logged in once every connection logged in or failed, so that none misses a statement. */
    private void loginIfSettled() {
        if (loggedIn || !connecting.isEmpty() || mainOk == null) {
            return;
        }
        loggedIn = true;
        ByteBuf ok = mainOk;
        mainOk = null;
        ctx.loginDone(ok);
    }

    @Override
    public void routeQuery(Command command) {
        router.queries.increment();
        ByteBuf packet = command.packet();
        int cmd = command.command();
        boolean answered = !Commands.hasNoReply(cmd);
        if (answered) {
            String sql = cmd == Commands.COM_QUERY && packet.readableBytes() > 5
                    ? packet.toString(packet.readerIndex() + 5, packet.readableBytes() - 5, StandardCharsets.UTF_8)
                    : null;
            report = new MirrorReport(sql, cmd, ctx.client().sessionId(), ++queryId);
            report.expect(main);                        // main first in the report, as in the targets' order
        }
        for (Endpoint e : live) {
            if (e == main) {
                continue;
            }
            if (answered) {
                report.expect(e);
            }
            e.write(ctx.alloc().buffer(packet.readableBytes()).writeBytes(packet, packet.readerIndex(),
                    packet.readableBytes()), cmd);
        }
        main.write(packet, cmd);
    }

    @Override
    public void clientReply(Endpoint from, ByteBuf buf, Reply reply) {
        if (report != null && report.waitsFor(from)) {
            report.bytes(from, buf);
            if (reply != null) {
                report.done(from, reply);
            }
        }
        if (from != main) {
            buf.release();
        } else if (reply != null && report != null) {
            mainTail = buf;
        } else {
            ctx.clientWrite(buf);
        }
        finishIfComplete();
    }

    /** Every target answered: the report goes out and the client's next command may come. */
    private void finishIfComplete() {
        if (report == null || !report.complete()) {
            return;
        }
        MirrorReport r = report;
        report = null;
        boolean conflict = r.conflict();
        if (conflict) {
            router.conflicts.increment();
        }
        if (conflict || !router.onlyConflicts()) {
            router.reports.increment();
            router.exporter.export(r.json());
        }
        if (mainTail != null) {
            ByteBuf tail = mainTail;
            mainTail = null;
            ctx.clientWrite(tail);
        }
        ctx.commandDone();
    }

    @Override
    public void endpointFailed(Endpoint e, int code, String sqlState, String message) {
        connecting.remove(e);
        live.remove(e);
        if (e == main) {
            // The client's answers come from main only: without it the session cannot go on.
            ctx.fail(code, sqlState, "Lost the main target '" + e.server().name() + "': " + message);
            return;
        }
        if (router.closeOnError()) {
            ctx.fail(code, sqlState, "Lost target '" + e.server().name() + "' (on_error=close): " + message);
            return;
        }
        LOG.info("{}: session {} goes on without '{}': {}", router.context.serviceName(), ctx.client().sessionId(),
                e.server().name(), message);
        e.close();
        if (report != null) {
            report.done(e, null);
            finishIfComplete();
        }
        loginIfSettled();
    }

    @Override
    public void close() {
        if (mainTail != null) {
            mainTail.release();
            mainTail = null;
        }
        if (mainOk != null) {
            mainOk.release();
            mainOk = null;
        }
        report = null;
    }

    @Override
    public java.util.Map<String, Object> diagnostics() {
        return java.util.Map.of("targets", live.stream().map(e -> e.server().name()).toList());
    }
}
