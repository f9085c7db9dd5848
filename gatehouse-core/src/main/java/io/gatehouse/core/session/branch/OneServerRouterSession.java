package io.gatehouse.core.session.branch;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import io.netty.buffer.ByteBuf;
import java.util.function.Supplier;

/**
 * The router session of a branch that has one connection: a branch straight to a server, or one to a service whose
 * connection router picks a server per session. Every command goes to that connection and every reply byte to the
 * branch (which discards it). Confined to the session's worker thread; it forwards every buffer it is handed.
 */
final class OneServerRouterSession implements RouterSession {
    private final Supplier<ServerView> choice;
    private final String targetName;
    private RouterSessionContext context;
    private Endpoint endpoint;

    /** {@code choice} picks the server when the branch starts (null when none can take it). */
    OneServerRouterSession(Supplier<ServerView> choice, String targetName) {
        this.choice = choice;
        this.targetName = targetName;
    }

    @Override
    public void start(RouterSessionContext ctx) {
        this.context = ctx;
        ServerView chosen = choice.get();
        if (chosen == null) {
            ctx.fail(2003, "HY000", "no server of '" + targetName + "' can take the session");
            return;
        }
        endpoint = ctx.connect(chosen);
    }

    @Override
    public void routeQuery(Command command) {
        endpoint.write(command.packet(), command.command());
    }

    @Override
    public void clientReply(Endpoint from, ByteBuf buf, Reply reply) {
        context.clientWrite(buf);
        if (reply != null) {
            context.commandDone();
        }
    }

    @Override
    public void endpointReady(Endpoint e, ByteBuf okPacket) {
        context.loginDone(okPacket);
    }

    @Override
    public void endpointFailed(Endpoint e, int code, String sqlState, String message) {
        // The branch has no other connection to move to: it ends, whatever was under way.
        context.fail(code, sqlState, message);
    }

    @Override
    public void close() {
        endpoint = null;
    }
}
