package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_STMT_PREPARE;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The session commands a session has run ({@code SET}, {@code USE}, text and binary {@code PREPARE}, ...), kept so
 * that a connection opened later (a replacement for a lost replica) can be brought to the same state before it
 * serves reads: MaxScale's {@code max_sescmd_history}, {@code prune_sescmd_history} and
 * {@code disable_sescmd_history}. Per session, on its worker thread; owns copies of the packets it keeps.
 */
final class SessionHistory {
    /** One remembered command; {@code statementId} is the client's id for a COM_STMT_PREPARE, known afterwards. */
    private static final class Command {
        final ByteBuf packet;
        final int command;
        long statementId = -1;

        Command(ByteBuf packet, int command) {
            this.packet = packet;
            this.command = command;
        }
    }

    /** A connection being brought up to date: the commands still to send, in order. */
    private static final class Replay {
        final ArrayDeque<Command> left;
        Command current;

        Replay(ArrayDeque<Command> left) {
            this.left = left;
        }
    }

    private final int max;
    private final boolean prune;
    private boolean enabled;
    private final ArrayDeque<Command> commands = new ArrayDeque<>();
    private final Map<Endpoint, Replay> replays = new HashMap<>();
    private Command lastAdded;

    SessionHistory(long max, boolean prune, boolean disabled) {
        this.max = (int) Math.min(Integer.MAX_VALUE, max);
        this.prune = prune;
        this.enabled = !disabled;
    }

    /** False once the history was disabled or overflowed without pruning: no connection can be replaced. */
    boolean usable() {
        return enabled;
    }

    /** Remembers a session command (a copy; the caller keeps its packet). */
    void add(ByteBuf packet, int command) {
        if (!enabled) {
            return;
        }
        lastAdded = new Command(packet.copy(), command);
        commands.addLast(lastAdded);
        if (max > 0 && commands.size() > max) {
            if (prune) {
                commands.pollFirst().packet.release();
            } else {
                clear();
                enabled = false;
            }
        }
    }

    /** The prepare just added completed with this client statement id. */
    void prepared(long clientId) {
        if (lastAdded != null && lastAdded.command == COM_STMT_PREPARE) {
            lastAdded.statementId = clientId;
        }
    }

    /** COM_STMT_CLOSE: the statement's prepare need not be replayed any more. */
    void closed(long clientId) {
        for (Iterator<Command> it = commands.iterator(); it.hasNext(); ) {
            Command c = it.next();
            if (c.command == COM_STMT_PREPARE && c.statementId == clientId) {
                c.packet.release();
                it.remove();
            }
        }
    }

    /** Starts bringing {@code e} up to date; returns false when there is nothing to replay. */
    boolean startReplay(Endpoint e) {
        if (commands.isEmpty()) {
            return false;
        }
        replays.put(e, new Replay(new ArrayDeque<>(commands)));
        next(e);
        return true;
    }

    boolean replaying(Endpoint e) {
        return replays.containsKey(e);
    }

    /**
     * A reply of {@code e} during its replay completed. Records the new id of a replayed prepare in
     * {@code prepared}; returns true when the replay is finished (or failed) and the connection may be used.
     */
    boolean replied(Endpoint e, Reply reply, PreparedStatements prepared) {
        Replay r = replays.get(e);
        if (r == null) {
            return true;
        }
        if (r.current.command == COM_STMT_PREPARE && reply.kind() == Reply.Kind.PREPARE_OK) {
            PreparedStatements.Entry en = prepared.get(r.current.statementId);
            if (en != null) {
                en.ids.put(e, reply.statementId());
            }
        }
        if (reply.isError()) {
            // The new connection cannot reach the session's state: it must not serve this session.
            replays.remove(e);
            e.close();
            return true;
        }
        return !next(e);
    }

    /** Sends the next command of the replay; false when none is left. */
    private boolean next(Endpoint e) {
        Replay r = replays.get(e);
        r.current = r.left.pollFirst();
        if (r.current == null) {
            replays.remove(e);
            return false;
        }
        e.write(r.current.packet.retainedDuplicate(), r.current.command);
        return true;
    }

    void forget(Endpoint e) {
        replays.remove(e);
    }

    /**
     * A restart: the commands of the session this one replaces move here (the packets with them), so that a connection
     * opened from now on is brought to the client's state. This history's own limits apply: over
     * {@code max_sescmd_history} the oldest go when pruning, else (as when the replaced one had overflowed, or when
     * the history is disabled) nothing is kept and no connection can be replaced. {@code from} is left empty.
     */
    void takeOver(SessionHistory from) {
        if (!from.enabled) {
            enabled = false;
        }
        if (enabled) {
            commands.addAll(from.commands);
            from.commands.clear();
            while (max > 0 && commands.size() > max) {
                if (prune) {
                    commands.pollFirst().packet.release();
                } else {
                    clear();
                    enabled = false;
                }
            }
        }
        from.clear();
    }

    void clear() {
        for (Command c : commands) {
            c.packet.release();
        }
        commands.clear();
        replays.clear();
        lastAdded = null;
    }
}
