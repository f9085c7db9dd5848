package io.gatehouse.filters.optimistictrx;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.CommandCodes;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.filter.InternalReply;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.QueryType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One session of the optimistictrx filter, on the session's worker thread. A plain {@code BEGIN} or
 * {@code START TRANSACTION} is rewritten to {@code START TRANSACTION READ ONLY}, which readwritesplit runs on a
 * replica; with autocommit off, a {@code START TRANSACTION READ ONLY} of the filter's own goes before the first read
 * of each transaction. While that transaction only reads, the session keeps a copy of each statement and a checksum
 * of each reply the client got. At the first statement that would write (or change session state, or cannot be replayed),
 * the filter runs, before it and unseen by the client, a {@code ROLLBACK}, the client's original {@code BEGIN} and
 * the statements again: the router now sends them where writes go, inside a read-write transaction. When each
 * replayed reply matches its checksum the client's statement goes on; when one differs the session is closed with an
 * error, so the write never runs on data the client did not see. Owns the copies of the transaction's statements
 * until they are replayed or the transaction ends, and frees them in {@link #close}.
 */
final class OptimisticTrxSession implements FilterSession {
    /** A transaction start without characteristics; READ ONLY, READ WRITE or a consistent snapshot stay as they are. */
    private static final Pattern PLAIN_BEGIN = Pattern.compile(
            "\\s*(?:BEGIN(?:\\s+WORK)?|START\\s+TRANSACTION)\\s*;?\\s*", Pattern.CASE_INSENSITIVE);
    private static final String READ_ONLY_BEGIN = "START TRANSACTION READ ONLY";
    /** What makes a statement leave the optimistic path: anything but a plain read. */
    private static final int NOT_A_READ = QueryType.UNKNOWN | QueryType.WRITE | QueryType.MASTER_READ
            | QueryType.SESSION_WRITE | QueryType.USERVAR_WRITE | QueryType.GSYSVAR_WRITE | QueryType.BEGIN_TRX
            | QueryType.ENABLE_AUTOCOMMIT | QueryType.DISABLE_AUTOCOMMIT | QueryType.PREPARE_NAMED_STMT
            | QueryType.EXEC_STMT | QueryType.CREATE_TMP_TABLE | QueryType.READ_TMP_TABLE | QueryType.DEALLOC_PREPARE
            | QueryType.NEXT_TRX;
    private static final int ENDS_TRX = QueryType.COMMIT | QueryType.ROLLBACK;
    /** With autocommit off, statements with these bits open a transaction; SET and the like do not. */
    private static final int TOUCHES_TABLES = QueryType.UNKNOWN | QueryType.READ | QueryType.WRITE
            | QueryType.MASTER_READ | QueryType.BEGIN_TRX | QueryType.CREATE_TMP_TABLE | QueryType.READ_TMP_TABLE
            | QueryType.EXEC_STMT;
    /** ER_CONNECTION_KILLED: the session is ended on the proxy's side. */
    private static final int CLOSED_CODE = 1927;

    private enum State {
        /** No transaction the filter started is open. */
        IDLE,
        /** A transaction started read-only runs; its statements and checksums are kept. */
        OPTIMISTIC,
        /** The transaction was replayed (or started by other means) and runs where writes go, until it ends. */
        PASSED_ON
    }

    /** One statement of the optimistic transaction: a copy of its packet and the checksum of what the client got. */
    private record Statement(ByteBuf packet, ResultChecksum seen) {
    }

    private final FilterSessionContext context;
    private final TrxCounters counters;
    private final List<Statement> statements = new ArrayList<>();
    private State state = State.IDLE;
    /** The client's own BEGIN (a copy), between its rewrite and its routing. */
    private ByteBuf rewrittenBegin;
    /** The checksum the packets of the current reply go to, or null when the current command is not kept. */
    private ResultChecksum current;
    /** True while the current command is the transaction's BEGIN, whose failure means no transaction started. */
    private boolean currentIsBegin;
    private boolean beginFailed;
    private boolean autocommitOff;

    OptimisticTrxSession(FilterSessionContext context, TrxCounters counters) {
        this.context = context;
        this.counters = counters;
    }

    @Override
    public ByteBuf rewriteQuery(Command command, ByteBufAllocator alloc) {
        releaseRewrittenBegin();
        if (state != State.IDLE || command.command() != CommandCodes.COM_QUERY
                || !PLAIN_BEGIN.matcher(command.sql()).matches()) {
            return null;
        }
        rewrittenBegin = command.packet().copy();
        return query(alloc, READ_ONLY_BEGIN);
    }

    @Override
    public List<RouteHint> routeQuery(Command command) {
        current = null;
        currentIsBegin = false;
        if (rewrittenBegin != null) {
            ByteBuf begin = rewrittenBegin;
            rewrittenBegin = null;
            state = State.OPTIMISTIC;
            counters.optimistic.increment();
            keep(begin);
            currentIsBegin = true;
            beginFailed = false;
            return List.of();
        }
        int cmd = command.command();
        if (cmd == CommandCodes.COM_RESET_CONNECTION) {
            endTransaction();                               // the server rolls back and turns autocommit on
            autocommitOff = false;
            return List.of();
        }
        Classification c = cmd == CommandCodes.COM_QUERY ? command.classification() : null;
        int mask = c == null ? 0 : c.typeMask();
        boolean read = c != null && (mask & (NOT_A_READ | ENDS_TRX)) == 0 && !c.isMultiStatement();
        boolean ends = c != null && (mask & ENDS_TRX) != 0 && (mask & NOT_A_READ) == 0;
        switch (state) {
            case OPTIMISTIC -> {
                if (ends) {
                    endTransaction();                       // COMMIT or ROLLBACK: the client ends it
                } else if (read) {
                    keep(command.packet().copy());
                } else if (!passesUnkept(cmd)) {
                    replayWhereWritesGo();
                }
            }
            case PASSED_ON -> {
                if (ends) {
                    endTransaction();
                }
            }
            case IDLE -> {
                if (autocommitOff && read) {
                    startImplicit(command);
                } else if (autocommitOff && !passesUnkept(cmd) && (c == null || (mask & TOUCHES_TABLES) != 0)) {
                    state = State.PASSED_ON;                // opened a transaction on the primary: not ours
                }
            }
        }
        if ((mask & QueryType.DISABLE_AUTOCOMMIT) != 0) {
            autocommitOff = true;
        } else if ((mask & QueryType.ENABLE_AUTOCOMMIT) != 0 && autocommitOff) {
            autocommitOff = false;
            if (state == State.PASSED_ON) {
                endTransaction();                           // turning autocommit back on commits
            }
        }
        return List.of();
    }

    /**
     * With autocommit off, the first read of a transaction the client never started explicitly: a
     * {@code START TRANSACTION READ ONLY} goes before it, so it runs on a replica like an explicit one. There is no
     * BEGIN to replay: with autocommit off the replayed statements open the transaction where writes go.
     */
    private void startImplicit(Command command) {
        state = State.OPTIMISTIC;
        counters.optimistic.increment();
        context.runBefore(query(context.alloc(), READ_ONLY_BEGIN), new InternalReply() {
            private boolean error;

            @Override
            public void packet(ByteBuf packet, ReplyPacketKind kind) {
                error |= kind == ReplyPacketKind.ERROR;
            }

            @Override
            public void done() {
                if (error) {
                    endTransaction();                       // not started: the read runs as it would have
                }
            }
        });
        keep(command.packet().copy());
    }

    /** Commands that neither read data the transaction depends on nor need the primary: they pass unrecorded. */
    private static boolean passesUnkept(int cmd) {
        return cmd == CommandCodes.COM_PING || cmd == CommandCodes.COM_STATISTICS
                || cmd == CommandCodes.COM_STMT_PREPARE || cmd == CommandCodes.COM_STMT_CLOSE
                || cmd == CommandCodes.COM_STMT_RESET;
    }

    private void keep(ByteBuf copy) {
        current = new ResultChecksum();
        statements.add(new Statement(copy, current));
    }

    @Override
    public boolean needsReplyPackets() {
        return true;
    }

    @Override
    public ByteBuf replyPacket(ByteBuf packet, ReplyPacketKind kind) {
        if (current != null) {
            current.add(packet, kind);
            if (currentIsBegin && kind == ReplyPacketKind.ERROR) {
                beginFailed = true;
            }
        }
        return packet;
    }

    @Override
    public void clientReply(io.gatehouse.api.reply.Reply reply) {
        if (currentIsBegin && beginFailed) {
            endTransaction();                               // the transaction never started
        }
        current = null;
        currentIsBegin = false;
    }

    /**
     * The current command would write: roll the read-only part back, then run the original BEGIN and every kept
     * statement again through the router (now inside a read-write transaction), each checked against what the
     * client got; the client's command follows when all match.
     */
    private void replayWhereWritesGo() {
        counters.replayed.increment();
        state = State.PASSED_ON;
        ByteBufAllocator alloc = context.alloc();
        context.runBefore(query(alloc, "ROLLBACK"), new Expect(null, 0));
        List<Statement> kept = new ArrayList<>(statements);
        statements.clear();
        for (int i = 0; i < kept.size(); i++) {
            Statement s = kept.get(i);
            context.runBefore(s.packet(), new Expect(s.seen(), i));
        }
    }

    /**
     * Checks the reply to one statement the filter runs itself: for the rollback, that it succeeded; for a replayed
     * statement, that it returned what the client saw.
     */
    private final class Expect implements InternalReply {
        private final ResultChecksum expected;
        private final int index;
        private final ResultChecksum got = new ResultChecksum();
        private boolean error;

        Expect(ResultChecksum expected, int index) {
            this.expected = expected;
            this.index = index;
        }

        @Override
        public void packet(ByteBuf packet, ReplyPacketKind kind) {
            got.add(packet, kind);
            error |= kind == ReplyPacketKind.ERROR;
        }

        @Override
        public void done() {
            if (expected == null) {
                if (error) {
                    context.closeSession(CLOSED_CODE, "70100", "Optimistic transaction could not be rolled back"
                            + " before its first write; the session is closed");
                }
                return;
            }
            if (!got.matches(expected)) {
                counters.mismatches.increment();
                context.closeSession(CLOSED_CODE, "70100", "Optimistic transaction failed: checksum mismatch,"
                        + " statement " + (index + 1) + " of the transaction returned other results when replayed"
                        + " where its write goes; the session is closed so that the write does not run on changed"
                        + " data");
            }
        }
    }

    private void endTransaction() {
        state = State.IDLE;
        for (Statement s : statements) {
            s.packet().release();
        }
        statements.clear();
        current = null;
    }

    private void releaseRewrittenBegin() {
        if (rewrittenBegin != null) {
            rewrittenBegin.release();
            rewrittenBegin = null;
        }
    }

    /** A COM_QUERY packet of {@code sql}, sequence 0. */
    private static ByteBuf query(ByteBufAllocator alloc, String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = alloc.buffer(5 + text.length);
        out.writeMediumLE(1 + text.length).writeByte(0).writeByte(CommandCodes.COM_QUERY).writeBytes(text);
        return out;
    }

    @Override
    public void sessionReset() {
        releaseRewrittenBegin();
        endTransaction();
        autocommitOff = false;
    }

    @Override
    public void close() {
        releaseRewrittenBegin();
        endTransaction();
    }
}
