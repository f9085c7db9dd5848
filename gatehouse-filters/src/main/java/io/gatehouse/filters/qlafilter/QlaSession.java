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
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of the qlafilter: notes each statement (COM_QUERY, COM_STMT_PREPARE, and COM_STMT_EXECUTE as the text
 * it prepared) when it arrives and writes its line when the reply the client got is complete, to the session's
 * own file and to the filter's shared outputs. Confined to the session's worker thread; it reads packets without
 * keeping them. The logic is in {@link #onCommand} and {@link #onReply}, which take plain values.
 */
final class QlaSession implements FilterSession {
    private static final Logger LOG = LoggerFactory.getLogger(QlaSession.class);
    private static final int SESSION_TRACK_SCHEMA = 1;
    private static final long LAST_PREPARED = 0xFFFFFFFFL;

    private final QlaFilter filter;
    private final QlaSettings settings;
    private final ClientInfo client;
    private final boolean active;
    private final String userHost;
    private final Set<LogField> fileFields;
    private final Map<Long, Prepared> prepared = new HashMap<>();
    private LogFile file;
    /** The text of the newest prepared statement: an execute with id 0xFFFFFFFF (Connector/J's pipelining) means it. */
    private Prepared lastPrepared;
    private String database;
    private Pending pending;
    private long transactionStart = -1;

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

    /** The statement whose reply is awaited; {@code sql} is null when it is not logged. */
    private record Pending(int command, String sql, String text, long startNanos, long wallMillis, int typeMask,
                           String useDatabase) {
    }

    QlaSession(QlaFilter filter, ClientInfo client) {
        this.filter = filter;
        this.settings = filter.settings();
        this.client = client;
        this.active = settings.sessions().covers(client);
        this.userHost = client.user() + "@" + client.remote();
        this.database = client.database();
        this.fileFields = settings.sessionFileFields();
        if (active && settings.sessionFiles()) {
            Path path = Path.of(settings.filebase() + "." + client.sessionId());
            try {
                file = LogFile.open(path, settings.append(),
                        LogField.header(fileFields, settings.separator()), settings.flush());
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
        ByteBuf packet = c.packet();
        int command = c.command();
        if (active) {
            boolean hasText = command == COM_QUERY || command == COM_STMT_PREPARE || command == COM_INIT_DB;
            boolean hasId = command == COM_STMT_EXECUTE || command == COM_STMT_CLOSE || command == COM_STMT_SEND_LONG_DATA;
            byte[] body = null;
            if (command == COM_STMT_EXECUTE || command == COM_STMT_SEND_LONG_DATA) {
                int from = packet.readerIndex() + 5;
                // Long data carries a parameter's value, of which only the statement and parameter ids are needed.
                int len = command == COM_STMT_EXECUTE ? packet.writerIndex() - from
                        : Math.min(6, packet.writerIndex() - from);
                body = new byte[Math.max(0, len)];
                packet.getBytes(from, body);
            }
            current = c;
            try {
                onCommand(command, hasText ? StatementText.payloadText(packet) : null,
                        hasId ? StatementText.statementId(packet) : -1, body, System.nanoTime(),
                        System.currentTimeMillis());
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

    /**
     * A client command arrived.
     *
     * @param text        the text after the command byte for COM_QUERY, COM_STMT_PREPARE and COM_INIT_DB, else null
     * @param statementId the statement id of COM_STMT_EXECUTE, COM_STMT_SEND_LONG_DATA and COM_STMT_CLOSE, else -1
     * @param body        the bytes after the command byte of COM_STMT_EXECUTE (its bound values) and the first six of
     *                    COM_STMT_SEND_LONG_DATA, else null
     */
    void onCommand(int command, String text, long statementId, byte[] body, long nowNanos, long wallMillis) {
        if (command == COM_STMT_CLOSE) {
            prepared.remove(statementId);
            return;
        }
        if (command == COM_STMT_SEND_LONG_DATA) {
            Prepared ps = prepared.get(statementId);
            if (ps != null && body != null && body.length >= 6) {
                ps.longData.set((body[4] & 0xFF) | (body[5] & 0xFF) << 8);
            }
            return;
        }
        if (StatementText.noReply(command)) {
            return;
        }
        String sql = switch (command) {
            case COM_QUERY, COM_STMT_PREPARE -> text;
            case COM_STMT_EXECUTE -> executed(statementId == LAST_PREPARED ? lastPrepared : prepared.get(statementId),
                    body);
            default -> null;
        };
        boolean logged = sql != null && !sql.isEmpty() && settings.statements().wants(sql);
        boolean use = command == COM_QUERY && startsWithUse(text);
        Classification c = null;
        if (use || (logged && (settings.canonical() || settings.needsTransaction()))) {
            // A statement's own text shares the command's classification with the router; an execution's expanded
            // text is classified here.
            c = current != null && current.carriesSql() ? current.classification() : filter.classifier().classify(sql);
        }
        String shown = logged && settings.canonical() ? c.canonical() : sql;
        pending = new Pending(command, logged ? shown : null, text, nowNanos, wallMillis,
                c == null ? 0 : c.typeMask(), use ? c.database() : null);
    }

    /**
     * The reply the client got to the pending command is complete.
     *
     * @param server     the server that answered
     * @param bytes      the reply's size
     * @param firstNanos when its first byte went to the client, 0 when unknown
     */
    void onReply(Reply reply, String server, long bytes, long firstNanos, long nowNanos) {
        Pending p = pending;
        pending = null;
        if (p == null) {
            return;
        }
        if (!reply.isError()) {
            remember(p, reply);
        }
        if (p.sql() == null) {
            return;
        }
        String transaction = "";
        long transactionNanos = -1;
        if ((p.typeMask() & QueryType.BEGIN_TRX) != 0) {
            transaction = "BEGIN";
            transactionStart = p.startNanos();
        } else if ((p.typeMask() & QueryType.COMMIT) != 0) {
            transaction = "COMMIT";
            transactionNanos = transactionStart < 0 ? -1 : nowNanos - transactionStart;
            transactionStart = -1;
        } else if ((p.typeMask() & QueryType.ROLLBACK) != 0) {
            transaction = "ROLLBACK";
            transactionStart = -1;
        }
        LogLine line = new LogLine(client.service(), client.sessionId(), p.wallMillis(), userHost,
                firstNanos == 0 ? -1 : Math.max(0, firstNanos - p.startNanos()), p.sql(), database,
                nowNanos - p.startNanos(), reply.rows(), bytes, transaction, transactionNanos, reply.warnings(),
                reply.isError() ? reply.errorMessage() : "", server, StatementText.commandName(p.command()));
        write(line);
    }

    private void write(LogLine line) {
        String sep = settings.separator();
        String nl = settings.newlineReplacement();
        boolean us = settings.microseconds();
        if (file != null) {
            file.write(line.format(fileFields, sep, nl, us));
        }
        if (filter.unified() != null || filter.stdout() != null) {
            String all = line.format(settings.fields(), sep, nl, us);
            if (filter.unified() != null) {
                filter.unified().write(all);
            }
            if (filter.stdout() != null) {
                filter.stdout().write(all);
            }
        }
    }

    /** The SQL an execute of {@code ps} runs, its values in place; null for an unknown statement. */
    private static String executed(Prepared ps, byte[] body) {
        if (ps == null) {
            return null;
        }
        String sql = body == null ? ps.sql
                : ExecuteText.render(ps.sql, ps.marks, ps.params, ps.types, ps.longData, body);
        ps.longData.clear();
        return sql;
    }

    /** What a successful reply teaches: a prepared statement's text, the current database. */
    private void remember(Pending p, Reply reply) {
        if (p.command() == COM_STMT_PREPARE && reply.kind() == Reply.Kind.PREPARE_OK && p.text() != null) {
            lastPrepared = new Prepared(p.text(), reply.parameterCount());
            prepared.put(reply.statementId(), lastPrepared);
        } else if (p.command() == COM_INIT_DB && p.text() != null) {
            database = p.text();
        } else if (p.useDatabase() != null) {
            database = p.useDatabase();
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
