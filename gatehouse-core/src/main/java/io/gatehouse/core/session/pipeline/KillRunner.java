package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.OkPacket;
import io.gatehouse.protocol.StatusFlags;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Carries out a KILL of a Gatehouse session from another session: checks the id and the killer's right, hops to
 * the target's worker to read its backend connections and close the session, has the running statements killed
 * over side connections, and answers the killer on its own worker. Stateless; touches each session only on its
 * own thread; the answer packet it makes goes to {@code reply}, which owns it.
 */
final class KillRunner {
    private KillRunner() {
    }

    /**
     * Answers {@code kill} for {@code killer}: ERR 1094 / 1095, or OK once done; a session that kills itself gets
     * 1927 and is closed, one that kills its own statement gets 1317, as the server answers both.
     */
    static void answer(ClientSession killer, KillStatement kill, Consumer<ByteBuf> reply) {
        ClientSession target = kill == null ? null : killer.proxy().registry().get(kill.id());
        if (target == null) {
            reply.accept(ErrPacket.write(killer.clientChannel().alloc(), 1, 1094, "HY000",
                    "Unknown thread id: " + (kill == null ? -1 : kill.id())));
            return;
        }
        if (!target.user().equals(killer.user()) && !killer.isSuperUser()) {
            reply.accept(ErrPacket.write(killer.clientChannel().alloc(), 1, 1095, "HY000",
                    "You are not owner of thread " + kill.id()));
            return;
        }
        if (target == killer && kill.query()) {
            // The only statement of its own a session can kill is the KILL itself: the server answers 1317.
            reply.accept(ErrPacket.write(killer.clientChannel().alloc(), 1, 1317, "70100",
                    "Query execution was interrupted"));
            return;
        }
        run(killer, target, kill.query(), () -> {
            if (target != killer) {
                reply.accept(OkPacket.write(killer.clientChannel().alloc(), 1, 0, 0, StatusFlags.AUTOCOMMIT, 0, null));
            }
        });
    }

    static void run(ClientSession killer, ClientSession target, boolean queryOnly, Runnable done) {
        Runnable reportBack = () -> io.gatehouse.core.worker.ChannelLoop.run(killer.clientChannel(), done);
        if (target == killer && !queryOnly) {
            // As the server does to a connection that kills itself: the KILL is answered with 1927, then closed.
            killer.sendErrorAndClose(1, 1927, "70100", "Connection was killed");
            return;
        }
        io.gatehouse.core.worker.ChannelLoop.run(target.clientChannel(), () -> {
            List<BackendConnection> running = target.busyBackends();
            if (!queryOnly) {
                target.close();
            }
            List<CompletableFuture<Void>> sides = new ArrayList<>();
            for (BackendConnection b : running) {
                // Closing our socket does not stop a statement the server is busy with; KILL does.
                sides.add(killer.proxy().killer().kill(b.server(), b.threadId(), queryOnly,
                        target.service().user(), target.service().password()));
            }
            CompletableFuture.allOf(sides.toArray(new CompletableFuture[0])).whenComplete((v, e) -> reportBack.run());
        });
    }
}
