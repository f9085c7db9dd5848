package io.gatehouse.filters.tee;

import io.gatehouse.api.command.Command;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared statements one session has on both targets: the id the client got from the main target paired with
 * the id the branch target gave the copy of the same COM_STMT_PREPARE, so that copies of COM_STMT_EXECUTE and the
 * other statement commands name the branch's statement. Prepares are paired in the order they were copied: the
 * main answers arrive with {@link #mainPrepared}, the branch's with {@link #branchPrepared}, in either order.
 * Confined to the session's worker thread; it rewrites copies in place and keeps no buffer.
 */
final class StatementIds {
    /** A prepare that failed on one side (or got no id): nothing to pair. */
    private static final long NONE = -1;
    /** MariaDB's COM_STMT_EXECUTE id for "the statement prepared last" (direct execution). */
    private static final long LAST_PREPARED = 0xffffffffL;

    private final ArrayDeque<Long> main = new ArrayDeque<>();
    private final ArrayDeque<Long> branch = new ArrayDeque<>();
    private final Map<Long, Long> mainToBranch = new HashMap<>();

    /** The main target answered a copied prepare: its id, or {@link #NONE} when it failed. */
    void mainPrepared(long id) {
        main.addLast(id);
        pair();
    }

    /** The branch answered a copied prepare: its id, or {@link #NONE} when it failed. */
    void branchPrepared(long id) {
        branch.addLast(id);
        pair();
    }

    static long none() {
        return NONE;
    }

    private void pair() {
        while (!main.isEmpty() && !branch.isEmpty()) {
            long m = main.pollFirst();
            long b = branch.pollFirst();
            if (m != NONE && b != NONE) {
                mainToBranch.put(m, b);
            }
        }
    }

    /** COM_RESET_CONNECTION (or a failed branch): both servers forget their statements. */
    void clear() {
        main.clear();
        branch.clear();
        mainToBranch.clear();
    }

    /** True for the commands whose payload starts with a statement id. */
    static boolean namesStatement(int command) {
        return command == Command.COM_STMT_EXECUTE || command == Command.COM_STMT_SEND_LONG_DATA
                || command == Command.COM_STMT_CLOSE || command == Command.COM_STMT_RESET
                || command == Command.COM_STMT_FETCH || command == Command.COM_STMT_BULK_EXECUTE;
    }

    /**
     * Puts the branch's id in a copy about to go to the branch; false when the statement has none there (its
     * prepare was not copied or failed on one side), so the copy must be dropped. Other commands pass unchanged.
     */
    boolean translate(ByteBuf copy) {
        int command = Command.commandOf(copy);
        if (!namesStatement(command)) {
            return true;
        }
        int at = copy.readerIndex() + 5;
        if (copy.writerIndex() - at < 4) {
            return false;
        }
        long id = copy.getUnsignedIntLE(at);
        if (id == LAST_PREPARED) {
            return true;                  // copies run in order: the branch's last prepare is the same statement
        }
        Long theirs = command == Command.COM_STMT_CLOSE ? mainToBranch.remove(id) : mainToBranch.get(id);
        if (theirs == null) {
            return false;
        }
        copy.setIntLE(at, (int) (long) theirs);
        return true;
    }
}
