package io.gatehouse.filters.masking;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Classifier;
import io.gatehouse.sql.QueryType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of the masking filter, on the session's worker thread. Statements are checked before they are routed
 * and refused with an ERR when they would read a masked column past the mask; each row of a result set whose
 * columns a rule names has those values overwritten in place (same length, so the packet keeps its size) on its
 * way to the client. Column definitions of prepared statements are remembered by statement id, for executions whose
 * metadata the server skips (MariaDB's metadata cache) and for cursor fetches. Each row packet it is handed it
 * passes on (masked) or, for an aborted large row, releases; it keeps no packet.
 */
final class MaskingSession implements FilterSession {
    private static final Logger LOG = LoggerFactory.getLogger(MaskingSession.class);
    /** The error MaxScale's masking filter refuses statements with. */
    private static final int REFUSED = 1141;
    private static final String REFUSED_STATE = "HY000";
    private static final int MAX_PAYLOAD = 0xFFFFFF;
    private static final long LAST_PREPARED = 0xFFFFFFFFL;
    /** Classifies the text of SQL PREPARE statements (thread-safe: it keeps its working state per thread). */
    private static final Classifier CLASSIFIER = new Classifier();

    private final String filter;
    private final MaskingFilterModule.Settings settings;
    private final MaskingFilterModule.Counters counters;
    private final ClientInfo client;
    private final FilterSessionContext context;
    /** The filter's rules in force (swapped by a reload), and the set this session's {@link #rules} came from. */
    private final java.util.function.Supplier<MaskingRules> current;
    private MaskingRules rulesFrom;
    /** The rules that apply to this session's account; empty makes the session pass everything through. */
    private List<MaskingRules.Rule> rules;
    /** The column definitions of each prepared statement, by id. */
    private final Map<Long, List<RowMasker.ColumnDef>> preparedColumns = new HashMap<>();
    /** The plan of each statement's last execution, for its cursor's fetches. */
    private final Map<Long, RowMasker> cursorPlans = new HashMap<>();

    private int command = -1;
    private long statementId = -1;
    private long lastPrepared = -1;
    /** The prepare response under way: its statement id, parameter count, definitions seen, columns. */
    private long prepareId;
    private int prepareParams;
    private int prepareSeen;
    private int prepareColumnCount;
    private List<RowMasker.ColumnDef> prepareColumns;
    /** The column definitions of the result set under way, and its plan once they are all known. */
    private List<RowMasker.ColumnDef> columns;
    private RowMasker plan;
    /** A row of 16 MiB or more is under way: its further pieces pass unmasked, or are dropped after an abort. */
    private boolean largeRow;
    private boolean aborted;

    MaskingSession(String filter, MaskingFilterModule.Settings settings,
                   java.util.function.Supplier<MaskingRules> current, MaskingFilterModule.Counters counters,
                   ClientInfo client, FilterSessionContext context) {
        this.filter = filter;
        this.settings = settings;
        this.counters = counters;
        this.client = client;
        this.context = context;
        this.current = current;
        this.rulesFrom = current.get();
        this.rules = rulesFrom.applyingTo(client.user(), client.remote());
    }

    @Override
    public ByteBuf answer(Command c, ByteBufAllocator alloc) {
        MaskingRules now = current.get();
        if (now != rulesFrom) {                  // reloaded: this statement and its result follow the new rules
            rulesFrom = now;
            rules = now.applyingTo(client.user(), client.remote());
        }
        if (rules.isEmpty() || !c.carriesSql()) {
            return null;
        }
        String refusal = refusal(c);
        if (refusal == null) {
            return null;
        }
        counters.refused().increment();
        LOG.info("{}: session {}: statement refused: {}", filter, client.sessionId(), refusal);
        return ErrPacket.write(alloc, 0, REFUSED, REFUSED_STATE, refusal);
    }

    /** Why the statement must not run for this session, or null when it may. */
    String refusal(Command c) {
        return refusal(c.sql(), c.classification());
    }

    /**
     * Why {@code sql} (classified as {@code cls}) must not run, or null; the text that SQL {@code PREPARE ... FROM}
     * and {@code EXECUTE IMMEDIATE} give in a string literal is checked as a statement of its own.
     */
    private String refusal(String sql, Classification cls) {
        String inner = cls.executed() != null ? refusal(cls.executed().sql(), cls.executed())
                : cls.preparedSql() != null
                ? refusal(cls.preparedSql(), CLASSIFIER.classify(cls.preparedSql(), cls.sqlMode())) : null;
        if (inner != null) {
            return inner;
        }
        List<String> tables = new ArrayList<>(cls.tablesRead());
        tables.addAll(cls.tablesWritten());
        List<ColumnUses.Use> uses = ColumnUses.find(sql, rules, tables, settings.stringArgAsField());
        if (uses.isEmpty()) {
            return null;
        }
        String account = "'" + client.user() + "'@'" + client.remote() + "'";
        if (settings.preventFunctionUsage()) {
            if (settings.requireFullyParsed() && cls.isUnknown()) {
                return "The statement names the masked column '" + uses.get(0).column()
                        + "' and could not be fully parsed, so it is refused for " + account + ".";
            }
            for (ColumnUses.Use u : uses) {
                if (u.function() != null) {
                    return "The function " + u.function() + " is given the column '" + u.column()
                            + "', which is masked for " + account + "; access denied.";
                }
            }
        }
        if (settings.checkUserVariables() && cls.is(QueryType.USERVAR_WRITE)) {
            return "The column '" + uses.get(0).column() + "', which is masked for " + account
                    + ", is used in a statement that defines a user variable; access denied.";
        }
        for (ColumnUses.Use u : uses) {
            if (settings.checkUnions() && u.inUnion()) {
                return "The column '" + u.column() + "', which is masked for " + account
                        + ", is used in the second or a later SELECT of a UNION; access denied.";
            }
            if (settings.checkSubqueries() && u.inSubquery()) {
                return "The column '" + u.column() + "', which is masked for " + account
                        + ", is used in a subquery; access denied.";
            }
        }
        return null;
    }

    @Override
    public List<RouteHint> routeQuery(Command c) {
        int cmd = c.command();
        ByteBuf p = c.packet();
        long id = p.readableBytes() >= 9 ? p.getUnsignedIntLE(p.readerIndex() + 5) : -1;
        if (id == LAST_PREPARED) {
            id = lastPrepared;
        }
        switch (cmd) {
            case Command.COM_STMT_CLOSE -> {
                preparedColumns.remove(id);
                cursorPlans.remove(id);
                return List.of();
            }
            case Command.COM_STMT_SEND_LONG_DATA -> {
                return List.of();
            }
            case Command.COM_RESET_CONNECTION -> sessionReset();
            default -> {
            }
        }
        command = cmd;
        statementId = id;
        columns = null;
        plan = null;
        largeRow = false;
        return List.of();
    }

    @Override
    public boolean needsReplyPackets() {
        // Asked once per session, but a reload may give this account rules later: results must be seen from the start.
        return true;
    }

    @Override
    public ByteBuf replyPacket(ByteBuf packet, ReplyPacketKind kind) {
        if (aborted) {
            packet.release();
            return Unpooled.EMPTY_BUFFER;
        }
        switch (kind) {
            case PREPARE_OK -> prepareStarted(packet);
            case PREPARE_DEFINITION -> prepareDefinition(packet);
            case COLUMN_COUNT -> {
                columns = new ArrayList<>();
                plan = null;
            }
            case COLUMN_DEFINITION -> {
                if (columns != null) {
                    columns.add(RowMasker.ColumnDef.read(packet));
                }
            }
            case COLUMNS_END -> makePlan();
            case ROW -> {
                return row(packet);
            }
            case RESULT_END, ERROR -> {
                if (kind == ReplyPacketKind.RESULT_END && plan == null && command == Command.COM_STMT_EXECUTE) {
                    makePlan();             // a cursor opened (DEPRECATE_EOF): its fetches need the plan
                }
                columns = null;
                plan = null;
                largeRow = false;
            }
            default -> {
            }
        }
        return packet;
    }

    private ByteBuf row(ByteBuf packet) {
        boolean binary = command == Command.COM_STMT_EXECUTE || command == Command.COM_STMT_FETCH;
        if (plan == null) {
            if (command == Command.COM_STMT_FETCH) {
                plan = cursorPlans.get(statementId);
            } else {
                makePlan();
            }
        }
        boolean wasLarge = largeRow;
        largeRow = packet.readableBytes() >= 4 && packet.getUnsignedMediumLE(packet.readerIndex()) == MAX_PAYLOAD;
        if (plan == null || !plan.masksAny()) {
            return packet;
        }
        if (wasLarge || largeRow) {
            if (!settings.abortLargePayload()) {
                return packet;              // large_payload=ignore: rows of 16 MiB or more pass unmasked
            }
            packet.release();
            aborted = true;
            LOG.warn("{}: session {}: a row of 16 MiB or more holds a masked column; ending the session "
                    + "(large_payload=abort)", filter, client.sessionId());
            if (context != null) {
                context.closeSession(REFUSED, REFUSED_STATE, "A row of 16 MiB or more holds a masked column; the "
                        + "session is closed (large_payload=abort).");
            }
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf row = packet;
        if (row.isReadOnly()) {
            row = packet.alloc().buffer(packet.readableBytes()).writeBytes(packet);
            packet.release();
        }
        if (binary) {
            plan.maskBinaryRow(row);
        } else {
            plan.maskTextRow(row);
        }
        return row;
    }

    /** The result set's columns are all known: decide which are masked. */
    private void makePlan() {
        if (columns == null) {
            return;
        }
        List<RowMasker.ColumnDef> defs = columns;
        if (defs.isEmpty() && command == Command.COM_STMT_EXECUTE) {
            defs = preparedColumns.getOrDefault(statementId, List.of());   // metadata skipped: the prepare's
        }
        List<String> mismatch = new ArrayList<>();
        plan = RowMasker.plan(defs, rules, mismatch);
        if (plan.masksAny()) {
            counters.masked().increment();
        }
        if (!mismatch.isEmpty() && settings.warnTypeMismatch()) {
            LOG.warn("{}: session {}: the columns {} should be masked but are not of a string type; their values "
                    + "are passed unmasked", filter, client.sessionId(), mismatch);
        }
        if (command == Command.COM_STMT_EXECUTE) {
            cursorPlans.put(statementId, plan);
        }
    }

    private void prepareStarted(ByteBuf p) {
        int at = p.readerIndex() + 4;
        if (command != Command.COM_STMT_PREPARE || p.writerIndex() - at < 9) {
            prepareColumns = null;
            return;
        }
        prepareId = p.getUnsignedIntLE(at + 1);
        prepareColumnCount = p.getUnsignedShortLE(at + 5);
        prepareParams = p.getUnsignedShortLE(at + 7);
        prepareSeen = 0;
        prepareColumns = new ArrayList<>();
        lastPrepared = prepareId;
        if (prepareColumnCount == 0) {
            preparedColumns.put(prepareId, List.of());
        }
    }

    private void prepareDefinition(ByteBuf p) {
        int payload = p.readableBytes() - 4;
        if (prepareColumns == null || payload < 9 && p.getUnsignedByte(p.readerIndex() + 4) == 0xFE) {
            return;                         // an EOF between the definitions
        }
        if (prepareSeen++ < prepareParams) {
            return;
        }
        prepareColumns.add(RowMasker.ColumnDef.read(p));
        if (prepareColumns.size() == prepareColumnCount) {
            preparedColumns.put(prepareId, List.copyOf(prepareColumns));
            prepareColumns = null;
        }
    }

    @Override
    public void sessionReset() {
        preparedColumns.clear();
        cursorPlans.clear();
        lastPrepared = -1;
    }
}
