package io.gatehouse.filters.qlafilter;

import io.gatehouse.api.command.Command;
import static io.gatehouse.protocol.Commands.COM_INIT_DB;
import static io.gatehouse.protocol.Commands.COM_QUERY;
import static io.gatehouse.protocol.Commands.COM_STMT_CLOSE;
import static io.gatehouse.protocol.Commands.COM_STMT_EXECUTE;
import static io.gatehouse.protocol.Commands.COM_STMT_PREPARE;
import static io.gatehouse.protocol.Commands.COM_STMT_SEND_LONG_DATA;

import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.ReplyOrigin;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.LogFile;
import io.gatehouse.filters.common.StatementText;
import io.gatehouse.protocol.Packets;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.QueryType;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of the qlafilter: notes each statement (COM_QUERY, COM_STMT_PREPARE, and COM_STMT_EXECUTE as the text
 * it prepared) when it arrives and writes its line when the reply the client got is complete, to the session's
 * own file and to the filter's shared outputs. Confined to the session's worker thread; it copies what it needs of
 * a packet and keeps no packet. The statement being answered is held in reused fields and a plain-ASCII COM_QUERY
 * as a copy of its bytes, which go to the log as they are, so that the common case (a text statement, no pattern
 * rules, no canonical form) formats its line into the worker's {@link LineBuffer} without allocating.
 */
final class QlaSession implements FilterSession {
    private static final Logger LOG = LoggerFactory.getLogger(QlaSession.class);
    private static final int SESSION_TRACK_SCHEMA = 1;
    private static final long LAST_PREPARED = 0xFFFFFFFFL;
    /** A statement copy grown past this by a huge statement is dropped after it, not kept for the session's life. */
    private static final int KEEP_SQL = 4096;

    private final QlaFilter filter;
    private final QlaSettings settings;
    private final ClientInfo client;
    private final boolean active;
    /** True when no {@code match} or {@code exclude} needs the statement as a String. */
    private final boolean noStatementRules;
    private final Map<Long, Prepared> prepared = new HashMap<>();
    private final LogLine line = new LogLine();
    private LogFile file;
    /** The text of the newest prepared statement: an execute with id 0xFFFFFFFF (Connector/J's pipelining) means it. */
    private Prepared lastPrepared;
    private String database;
    private long transactionStart = -1;

    // The statement whose reply is awaited, valid while hasPending.
    private boolean hasPending;
    private int pendingCommand;
    /** The line shows the statement: as {@link #pendingSql}, or as the bytes in {@link #sqlBytes} when that is null. */
    private boolean pendingLogged;
    private String pendingSql;
    /** The text after the command byte of COM_STMT_PREPARE and COM_INIT_DB, which a successful reply makes known. */
    private String pendingText;
    private long pendingStartNanos;
    private long pendingWallMillis;
    private int pendingTypeMask;
    private String pendingUseDatabase;
    /** The bytes of the pending COM_QUERY's statement ({@link #sqlLength} of them), reused between statements. */
    private byte[] sqlBytes = new byte[0];
    private int sqlLength;
    /** Where an execution's text is built, reused between executions. */
    private StringBuilder rendered = new StringBuilder(64);

    /** A prepared statement: its text, parameter count, the types last bound and the parameters sent as long data. */
    private static final class Prepared {
        final String sql;
        final int params;
        final byte[][] types = new byte[1][];
        final BitSet longData = new BitSet();
        /** Where the placeholders are, found once for all the executions. */
        final int[] marks;

        Prepared(String sql, int params) {
            this.sql = sql;
            this.params = params;
            this.marks = params == 0 ? new int[0] : ExecuteText.placeholders(sql);
        }
    }

    QlaSession(QlaFilter filter, ClientInfo client) {
        this.filter = filter;
        this.settings = filter.settings();
        this.client = client;
        this.active = settings.sessions().covers(client);
        this.noStatementRules = settings.statements().match() == null && settings.statements().exclude() == null;
        this.database = client.database();
        line.service = client.service();
        line.sessionId = client.sessionId();
        line.userHost = (client.user() + "@" + client.remote()).getBytes(StandardCharsets.UTF_8);
        if (active && settings.sessionFiles()) {
            Path path = Path.of(settings.filebase() + "." + client.sessionId());
            try {
                file = LogFile.open(path, settings.append(),
                        LogField.header(settings.sessionFileFields(), settings.separator()), settings.flush());
            } catch (IOException e) {
                LOG.error("qlafilter: cannot open {}: {}", path, e.toString());
            }
        }
    }

    private boolean closed;

    /** The command being routed while {@link #onCommand} runs, whose classification it shares; else null. */
    private Command current;

    @Override
    public List<RouteHint> routeQuery(Command c) {
        if (active) {
            current = c;
            try {
                onCommand(c.command(), c.packet(), System.nanoTime(), System.currentTimeMillis());
            } finally {
                current = null;
            }
        }
        return List.of();
    }

    @Override
    public void clientReply(Reply reply, ReplyOrigin origin) {
        if (active) {
            onReply(reply, origin.server(), origin.bytes(), origin.firstReplyNanos(), System.nanoTime());
        }
    }

    /** A client command arrived ({@code packet} with its header, read and not kept). */
    private void onCommand(int command, ByteBuf packet, long nowNanos, long wallMillis) {
        if (command == COM_STMT_CLOSE) {
            prepared.remove(StatementText.statementId(packet));
            return;
        }
        if (command == COM_STMT_SEND_LONG_DATA) {
            // Long data carries a parameter's value, of which only the statement and parameter ids are needed.
            Prepared ps = prepared.get(StatementText.statementId(packet));
            int at = packet.readerIndex() + Packets.HEADER_SIZE + 5;
            if (ps != null && packet.writerIndex() - at >= 2) {
                ps.longData.set(packet.getUnsignedShortLE(at));
            }
            return;
        }
        if (StatementText.noReply(command)) {
            return;
        }
        hasPending = true;
        pendingCommand = command;
        pendingStartNanos = nowNanos;
        pendingWallMillis = wallMillis;
        pendingLogged = false;
        pendingSql = null;
        pendingText = null;
        pendingTypeMask = 0;
        pendingUseDatabase = null;
        switch (command) {
            case COM_QUERY -> query(packet);
            case COM_STMT_PREPARE -> {
                pendingText = StatementText.payloadText(packet);
                statement(pendingText, true, false);
            }
            case COM_INIT_DB -> pendingText = StatementText.payloadText(packet);
            case COM_STMT_EXECUTE -> {
                long id = StatementText.statementId(packet);
                int from = packet.readerIndex() + Packets.HEADER_SIZE + 1;
                byte[] body = new byte[Math.max(0, packet.writerIndex() - from)];
                packet.getBytes(from, body);
                if (rendered.capacity() > KEEP_SQL) {
                    rendered = new StringBuilder(64);
                }
                statement(executed(id == LAST_PREPARED ? lastPrepared : prepared.get(id), body, rendered), false,
                        false);
            }
            default -> {
            }
        }
    }

    /**
     * A COM_QUERY: its statement is copied once; plain ASCII with no pattern rules is logged from that copy, anything
     * else goes through {@link #statement} as a String (decoded as UTF-8, as MaxScale logs it).
     */
    private void query(ByteBuf packet) {
        int from = packet.readerIndex() + Packets.HEADER_SIZE + 1;
        int len = Math.max(0, packet.writerIndex() - from);
        if (sqlBytes.length < len || sqlBytes.length > KEEP_SQL) {
            sqlBytes = new byte[Math.max(len, Math.min(KEEP_SQL, 2 * sqlBytes.length))];
        }
        packet.getBytes(from, sqlBytes, 0, len);
        sqlLength = len;
        if (!noStatementRules || !ascii(sqlBytes, len)) {
            statement(new String(sqlBytes, 0, len, StandardCharsets.UTF_8), true, true);
            return;
        }
        boolean logged = len > 0;
        boolean use = startsWithUse(sqlBytes, len);
        Classification c = null;
        if (use || (logged && (settings.canonical() || settings.needsTransaction()))) {
            c = classification(null, true);
        }
        pendingLogged = logged;
        pendingSql = logged && settings.canonical() ? c.canonical() : null;
        pendingTypeMask = c == null ? 0 : c.typeMask();
        pendingUseDatabase = use ? c.database() : null;
    }

    /**
     * Notes {@code sql} (null when unknown) as the pending statement's text.
     *
     * @param ownText the command carries {@code sql} itself (not an execution's expanded text)
     * @param query   the command is COM_QUERY, which may be a USE
     */
    private void statement(String sql, boolean ownText, boolean query) {
        boolean logged = sql != null && !sql.isEmpty() && settings.statements().wants(sql);
        boolean use = query && startsWithUse(sql);
        Classification c = null;
        if (use || (logged && (settings.canonical() || settings.needsTransaction()))) {
            c = classification(sql, ownText);
        }
        pendingLogged = logged;
        pendingSql = logged ? (settings.canonical() ? c.canonical() : sql) : null;
        pendingTypeMask = c == null ? 0 : c.typeMask();
        pendingUseDatabase = use ? c.database() : null;
    }

    /**
     * A statement's own text shares the command's classification with the router; an execution's expanded text is
     * classified here ({@code sql} is only read then).
     */
    private Classification classification(String sql, boolean ownText) {
        if (ownText && current != null && current.carriesSql()) {
            return current.classification();
        }
        return filter.classifier().classify(sql != null ? sql : new String(sqlBytes, 0, sqlLength,
                StandardCharsets.UTF_8));
    }

    /**
     * The reply the client got to the pending command is complete.
     *
     * @param server     the server that answered
     * @param bytes      the reply's size
     * @param firstNanos when its first byte went to the client, 0 when unknown
     */
    void onReply(Reply reply, String server, long bytes, long firstNanos, long nowNanos) {
        if (!hasPending) {
            return;
        }
        hasPending = false;
        if (!reply.isError()) {
            remember(reply);
        }
        if (!pendingLogged) {
            return;
        }
        String transaction = "";
        long transactionNanos = -1;
        if ((pendingTypeMask & QueryType.BEGIN_TRX) != 0) {
            transaction = "BEGIN";
            transactionStart = pendingStartNanos;
        } else if ((pendingTypeMask & QueryType.COMMIT) != 0) {
            transaction = "COMMIT";
            transactionNanos = transactionStart < 0 ? -1 : nowNanos - transactionStart;
            transactionStart = -1;
        } else if ((pendingTypeMask & QueryType.ROLLBACK) != 0) {
            transaction = "ROLLBACK";
            transactionStart = -1;
        }
        LogLine l = line;
        l.wallMillis = pendingWallMillis;
        l.replyNanos = firstNanos == 0 ? -1 : Math.max(0, firstNanos - pendingStartNanos);
        l.sql = pendingSql;
        l.sqlBytes = sqlBytes;
        l.sqlLength = sqlLength;
        l.defaultDb = database;
        l.totalReplyNanos = nowNanos - pendingStartNanos;
        l.rows = reply.rows();
        l.replyBytes = bytes;
        l.transaction = transaction;
        l.transactionNanos = transactionNanos;
        l.warnings = reply.warnings();
        l.errorMessage = reply.isError() ? reply.errorMessage() : "";
        l.server = server;
        l.command = StatementText.commandName(pendingCommand);
        write(l);
        pendingSql = null;
    }

    private void write(LogLine l) {
        boolean us = settings.microseconds();
        if (file != null) {
            LineBuffer b = LineBuffer.forThisThread();
            l.format(b, filter.sessionFileFields(), filter.separator(), filter.newlineReplacement(), us);
            file.write(b.array(), 0, b.length());
        }
        LogFile unified = filter.unified();
        LogFile stdout = filter.stdout();
        if (unified != null || stdout != null) {
            LineBuffer b = LineBuffer.forThisThread();
            l.format(b, filter.fields(), filter.separator(), filter.newlineReplacement(), us);
            if (unified != null) {
                unified.write(b.array(), 0, b.length());
            }
            if (stdout != null) {
                stdout.write(b.array(), 0, b.length());
            }
        }
    }

    private static boolean ascii(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** The SQL an execute of {@code ps} runs, its values in place; null for an unknown statement. */
    private static String executed(Prepared ps, byte[] body, StringBuilder out) {
        if (ps == null) {
            return null;
        }
        String sql = body == null ? ps.sql
                : ExecuteText.render(ps.sql, ps.marks, ps.params, ps.types, ps.longData, body, out);
        ps.longData.clear();
        return sql;
    }

    /** What a successful reply teaches: a prepared statement's text, the current database. */
    private void remember(Reply reply) {
        if (pendingCommand == COM_STMT_PREPARE && reply.kind() == Reply.Kind.PREPARE_OK && pendingText != null) {
            lastPrepared = new Prepared(pendingText, reply.parameterCount());
            prepared.put(reply.statementId(), lastPrepared);
        } else if (pendingCommand == COM_INIT_DB && pendingText != null) {
            database = pendingText;
        } else if (pendingUseDatabase != null) {
            database = pendingUseDatabase;
        }
        String tracked = trackedSchema(reply.sessionTrack());
        if (tracked != null) {
            database = tracked;
        }
    }

    /** The schema from an OK packet's session-state changes, or null when it names none. */
    static String trackedSchema(byte[] track) {
        if (track == null) {
            return null;
        }
        int[] at = {0};
        String schema = null;
        while (at[0] < track.length) {
            int type = track[at[0]++] & 0xFF;
            long len = lenenc(track, at);
            int end = (int) Math.min(track.length, at[0] + Math.max(0, len));
            if (type == SESSION_TRACK_SCHEMA && len > 0) {
                int[] in = {at[0]};
                long n = lenenc(track, in);
                int to = (int) Math.min(end, in[0] + Math.max(0, n));
                schema = new String(track, in[0], Math.max(0, to - in[0]), StandardCharsets.UTF_8);
            }
            at[0] = end;
            if (len < 0) {
                break;
            }
        }
        return schema;
    }

    /** A length-encoded integer at {@code at[0]}, advancing it; -1 when the bytes end early. */
    private static long lenenc(byte[] b, int[] at) {
        if (at[0] >= b.length) {
            return -1;
        }
        int first = b[at[0]++] & 0xFF;
        int size = first < 0xFB ? 0 : first == 0xFC ? 2 : first == 0xFD ? 3 : first == 0xFE ? 8 : -1;
        if (size == 0) {
            return first;
        }
        if (size < 0 || at[0] + size > b.length) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) (b[at[0] + i] & 0xFF) << (8 * i);
        }
        at[0] += size;
        return v;
    }

    /** A cheap test before classifying: does the statement start with the word USE? */
    private static boolean startsWithUse(String sql) {
        if (sql == null) {
            return false;
        }
        int i = 0;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        return sql.regionMatches(true, i, "use", 0, 3) && i + 3 < sql.length()
                && (Character.isWhitespace(sql.charAt(i + 3)) || sql.charAt(i + 3) == '`');
    }

    /** The same test on the first {@code len} bytes of an ASCII statement. */
    private static boolean startsWithUse(byte[] sql, int len) {
        int i = 0;
        while (i < len && Character.isWhitespace(sql[i])) {
            i++;
        }
        return i + 3 < len && (sql[i] | 0x20) == 'u' && (sql[i + 1] | 0x20) == 's' && (sql[i + 2] | 0x20) == 'e'
                && (Character.isWhitespace(sql[i + 3]) || sql[i + 3] == '`');
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (file != null) {
            file.close();
            file = null;
        }
        if (filter.unified() != null) {
            filter.unified().flush();
        }
        if (filter.stdout() != null) {
            filter.stdout().flush();
        }
        filter.sessionEnded();
    }
}
