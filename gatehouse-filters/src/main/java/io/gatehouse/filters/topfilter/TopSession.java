package io.gatehouse.filters.topfilter;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.ReplyOrigin;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.StatementText;
import io.gatehouse.protocol.Commands;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of the topfilter: times each matching COM_QUERY from its arrival to the first byte of its reply, keeps
 * the {@code count} slowest, and writes the report when the session closes. Confined to the session's worker
 * thread; it reads packets without keeping them. The logic is in {@link #onStatement}, {@link #onReply} and
 * {@link #report}, which take plain values.
 */
final class TopSession implements FilterSession {
    private static final Logger LOG = LoggerFactory.getLogger(TopSession.class);
    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
            Locale.ENGLISH).withZone(ZoneId.systemDefault());
    private static final String RULE = "-----------+-----------------------------------------------------------------\n";

    private final TopFilter filter;
    private final ClientInfo client;
    private final boolean active;
    private final long connectMillis;
    private final long connectNanos;
    /** The slowest statements so far, slowest first; at most {@code count}. */
    private final List<Timed> top = new ArrayList<>();
    private String current;
    private long currentStart;
    private long statements;
    private long statementNanos;

    /** One timed statement. */
    record Timed(long nanos, String sql) {
    }

    TopSession(TopFilter filter, ClientInfo client, boolean active, long connectMillis, long connectNanos) {
        this.filter = filter;
        this.client = client;
        this.active = active;
        this.connectMillis = connectMillis;
        this.connectNanos = connectNanos;
    }

    @Override
    public List<RouteHint> routeQuery(Command c) {
        ByteBuf packet = c.packet();
        int command = c.command();
        if (active && command == Commands.COM_QUERY) {
            onStatement(StatementText.payloadText(packet), System.nanoTime());
        } else if (active && !StatementText.noReply(command)) {
            current = null;
        }
        return List.of();
    }

    @Override
    public void clientReply(Reply reply, ReplyOrigin origin) {
        if (active) {
            onReply(origin.firstReplyNanos() == 0 ? System.nanoTime() : origin.firstReplyNanos());
        }
    }

    /** A statement arrived at {@code nanos}; it is timed when the filter's rules want it. */
    void onStatement(String sql, long nanos) {
        current = filter.statements().wants(sql) ? sql : null;
        currentStart = nanos;
    }

    /** The first byte of the reply to the current statement went to the client at {@code firstReplyNanos}. */
    void onReply(long firstReplyNanos) {
        if (current == null) {
            return;
        }
        long took = Math.max(0, firstReplyNanos - currentStart);
        statements++;
        statementNanos += took;
        int count = filter.count();
        if (top.size() < count || took > top.get(top.size() - 1).nanos()) {
            int at = 0;
            while (at < top.size() && top.get(at).nanos() >= took) {
                at++;
            }
            top.add(at, new Timed(took, current));
            if (top.size() > count) {
                top.remove(top.size() - 1);
            }
        }
        current = null;
    }

    /** The report, in MaxScale's layout, as of {@code nowNanos}. */
    String report(long nowNanos) {
        StringBuilder sb = new StringBuilder();
        sb.append("Top ").append(filter.count()).append(" longest running queries in session.\n")
                .append("==========================================\n\n")
                .append("Time (sec) | Query\n").append(RULE);
        top.sort(Comparator.comparingLong(Timed::nanos).reversed());
        for (Timed t : top) {
            sb.append(String.format(Locale.ROOT, "%10.3f", t.nanos() / 1e9)).append(" |  ").append(t.sql())
                    .append('\n');
        }
        long n = Math.max(statements, 1);
        double total = statementNanos / 1e9;
        sb.append(RULE).append("\n\nSession started ").append(STARTED.format(Instant.ofEpochMilli(connectMillis)))
                .append('\n').append("Connection from ").append(client.remote()).append('\n')
                .append("Username        ").append(client.user()).append('\n')
                .append("\nTotal of ").append(statements).append(" statements executed.\n")
                .append(String.format(Locale.ROOT, "Total statement execution time   %.3f seconds\n", total))
                .append(String.format(Locale.ROOT, "Average statement execution time %.3f seconds\n", total / n))
                .append(String.format(Locale.ROOT, "Total connection time            %.3f seconds\n",
                        (nowNanos - connectNanos) / 1e9));
        return sb.toString();
    }

    @Override
    public void close() {
        if (!active) {
            return;
        }
        Path path = Path.of(filter.filebase() + "." + client.sessionId());
        try {
            // One small file per session, written once as the session ends.
            Files.writeString(path, report(System.nanoTime()), StandardCharsets.UTF_8);
            filter.reported();
        } catch (IOException e) {
            LOG.error("topfilter: cannot write {}: {}", path, e.toString());
        }
    }
}
