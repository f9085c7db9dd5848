package io.gatehouse.filters.tee;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.Branch;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.StatementText;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's tee: opens a branch towards the target when the session's user and address are covered, and sends
 * it a copy of each command that passes {@code match}/{@code exclude} (prepared statements with the branch's own
 * statement ids); with {@code sync} the client's next command
 * waits until the branch answered. A branch that fails is closed and the client goes on, except with {@code sync},
 * where the session ends (as MaxScale documents). Confined to the session's worker thread; it reads the commands it
 * is shown and keeps none of their buffers (the branch copies them).
 */
final class TeeSession implements FilterSession, Branch.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(TeeSession.class);

    private final TeeFilter filter;
    private final FilterSessionContext context;
    private final ClientInfo client;
    private Branch branch;
    /** Copies sent whose reply the branch has not finished yet. */
    private int awaiting;
    /** The command bytes of those copies, oldest first, to know which branch replies answer prepares. */
    private final ArrayDeque<Integer> awaitedCommands = new ArrayDeque<>();
    private final StatementIds statements = new StatementIds();
    /**
     * For each COM_STMT_PREPARE routed and not yet answered by the main target, oldest first: whether its copy went
     * to the branch. A queue, not a flag: a client may pipeline a prepare and its first execution, so the next
     * command can be routed before the prepare's answer arrives.
     */
    private final ArrayDeque<Boolean> mainPrepares = new ArrayDeque<>();

    TeeSession(TeeFilter filter, ClientInfo client, FilterSessionContext context) {
        this.filter = filter;
        this.context = context;
        this.client = client;
        if (filter.settings().sessions().covers(client)) {
            try {
                branch = context.openBranch(filter.settings().target(), this);
                filter.opened();
            } catch (IllegalArgumentException e) {
                // Destroyed at runtime since the configuration was checked: this session is not copied.
                LOG.warn("{}: session {} is not copied: {}", filter.name(), client.sessionId(), e.getMessage());
                filter.failed();
            }
        }
    }

    @Override
    public List<RouteHint> routeQuery(Command command) {
        boolean copied = false;
        if (branch != null && branch.isOpen() && copies(command)) {
            filter.copied();
            if (command.command() == Command.COM_RESET_CONNECTION) {
                statements.clear();
            }
            if (branch.send(command)) {
                awaiting++;
                awaitedCommands.addLast(command.command());
                copied = true;
                if (filter.settings().sync()) {
                    context.holdCommands(true);
                }
            }
        }
        if (command.command() == Command.COM_STMT_PREPARE) {
            mainPrepares.addLast(copied);
        }
        return List.of();
    }

    /**
     * Which commands the branch gets: statements that pass match/exclude; commands without SQL text that keep the
     * branch's session in step with the client's (default database, ping, options, reset) always. Prepares pass
     * the same rules, and the commands that use a prepared statement follow it (with the branch's id, see
     * {@link StatementIds}). COM_PROCESS_KILL is never copied: its thread id means another connection there.
     */
    private boolean copies(Command command) {
        int cmd = command.command();
        return switch (cmd) {
            case Command.COM_QUERY -> filter.settings().statements().wants(StatementText.payloadText(command.packet()));
            case Command.COM_STMT_PREPARE ->
                    filter.settings().statements().wants(StatementText.payloadText(command.packet()));
            case Command.COM_PROCESS_KILL -> false;
            default -> true;
        };
    }

    @Override
    public void clientReply(Reply reply) {
        if (reply.command() == Command.COM_STMT_PREPARE && !mainPrepares.isEmpty() && mainPrepares.pollFirst()) {
            statements.mainPrepared(reply.kind() == Reply.Kind.PREPARE_OK ? reply.statementId() : StatementIds.none());
        }
    }

    @Override
    public boolean sending(ByteBuf copy) {
        return statements.translate(copy);
    }

    @Override
    public void replied(Reply reply) {
        Integer command = awaitedCommands.pollFirst();
        if (command != null && command == Command.COM_STMT_PREPARE) {
            statements.branchPrepared(reply != null && reply.kind() == Reply.Kind.PREPARE_OK ? reply.statementId()
                    : StatementIds.none());
        }
        if (awaiting > 0 && --awaiting == 0 && filter.settings().sync()) {
            context.holdCommands(false);
        }
    }

    @Override
    public void failed(String why) {
        filter.failed();
        awaiting = 0;
        awaitedCommands.clear();
        statements.clear();
        if (filter.settings().sync()) {
            // MaxScale: with sync, a failure of the branch target closes the client's session.
            context.closeSession(1927, "08S01", "Tee target '" + filter.settings().target()
                    + "' failed and sync is on: " + why);
        }
        context.holdCommands(false);
    }

    @Override
    public void sessionReset() {
        // COM_CHANGE_USER: the branch is still logged in as the previous user; it must not run the new one's
        // statements with those rights.
        if (branch != null && branch.isOpen()) {
            LOG.info("{}: session {} changed user; its copies to '{}' stop", filter.name(), client.sessionId(),
                    branch.target());
            branch.close();
            awaiting = 0;
            awaitedCommands.clear();
            statements.clear();
            context.holdCommands(false);
        }
    }

    @Override
    public void close() {
        if (branch != null) {
            branch.close();
        }
    }
}
