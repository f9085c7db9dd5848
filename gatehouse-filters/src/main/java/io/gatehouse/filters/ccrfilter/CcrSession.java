package io.gatehouse.filters.ccrfilter;

import io.gatehouse.api.command.Command;
import static io.gatehouse.protocol.Commands.COM_QUERY;

import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.filters.common.SqlComments;
import io.gatehouse.filters.common.StatementText;
import io.gatehouse.sql.Classification;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One session of a ccrfilter: a COM_QUERY that writes (by the SQL classifier, unknown counting as a write) starts the
 * window; the session's following statements that do not write carry a route-to-primary hint while the window lasts.
 * A {@code -- maxscale ccr=ignore} or {@code ccr=match} comment on the write decides over {@code match} and
 * {@code ignore}. Text protocol only, as MaxScale's. Confined to the session's worker thread; reads each packet
 * without keeping it.
 */
final class CcrSession implements FilterSession {
    private static final List<RouteHint> TO_PRIMARY = List.of(new RouteHint(RouteHint.Type.MASTER, "", 0));

    private final CcrFilter filter;
    private final CcrFilter.Settings settings;
    private long hintsLeft;
    /** When this session last wrote ({@link System#nanoTime}); {@link Long#MIN_VALUE} if never. */
    private long lastWrite = Long.MIN_VALUE;

    CcrSession(CcrFilter filter) {
        this.filter = filter;
        this.settings = filter.settings();
    }

    @Override
    public List<RouteHint> routeQuery(Command c) {
        ByteBuf packet = c.packet();
        int command = c.command();
        if (command != COM_QUERY) {
            return List.of();
        }
        String sql = StatementText.of(packet, command);
        // The command's classification is the one the router uses too: computed once, with the session's sql_mode.
        Classification shared = c.classification();
        return sql == null ? List.of() : hintsFor(sql, shared != null ? shared.isWrite() : isWrite(sql));
    }

    /** The classifier's verdict on {@code sql} (one char per byte). */
    static boolean isWrite(String sql) {
        byte[] bytes = sql.getBytes(StandardCharsets.ISO_8859_1);
        Classification c = CcrFilter.CLASSIFIER.classify(bytes, 0, bytes.length, null);
        return c.isWrite();
    }

    /** The hints for one COM_QUERY statement, given whether it writes; updates the session's window. */
    List<RouteHint> hintsFor(String sql, boolean write) {
        long now = filter.now();
        if (write) {
            if (triggers(sql)) {
                if (settings.count() > 0) {
                    hintsLeft = settings.count();
                }
                if (settings.timeNanos() > 0) {
                    lastWrite = now;
                }
                filter.wrote(now);
            }
            return List.of();
        }
        if (hintsLeft > 0) {
            hintsLeft--;
            filter.hintedByCount();
            return TO_PRIMARY;
        }
        if (settings.timeNanos() > 0 && ((lastWrite != Long.MIN_VALUE && now - lastWrite < settings.timeNanos())
                || filter.recentGlobalWrite(now))) {
            filter.hintedByTime();
            return TO_PRIMARY;
        }
        return List.of();
    }

    /** Whether a write starts the window: a ccr comment decides, else {@code match} and {@code ignore}. */
    private boolean triggers(String sql) {
        String comment = ccrComment(sql);
        if (comment != null) {
            return comment.equals("match");
        }
        return (settings.match() == null || settings.match().matcher(sql).find())
                && (settings.ignore() == null || !settings.ignore().matcher(sql).find());
    }

    /** The value of a {@code maxscale ccr=match|ignore} comment, or null when there is none. */
    static String ccrComment(String sql) {
        if (!sql.toLowerCase(Locale.ROOT).contains("ccr")) {
            return null;
        }
        String found = null;
        for (String c : SqlComments.of(sql)) {
            String t = c.trim().toLowerCase(Locale.ROOT);
            if (!t.startsWith("maxscale")) {
                continue;
            }
            String kv = t.substring("maxscale".length()).replace(" ", "");
            if (kv.equals("ccr=match") || kv.equals("ccr=ignore")) {
                found = kv.substring(4);
            }
        }
        return found;
    }
}
