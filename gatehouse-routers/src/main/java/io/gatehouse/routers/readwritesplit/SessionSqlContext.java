package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.ClassifierCaches;
import io.gatehouse.sql.SqlMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the classifier must know of one readwritesplit session to read its SQL as its servers will: the session's
 * {@code sql_mode} and the versions of the servers it is connected to, so that a write disguised by ANSI_QUOTES,
 * NO_BACKSLASH_ESCAPES or a versioned executable comment still goes to the primary. The mode is asked of the server
 * at login ({@link #MODE_QUERY}: the backend login does not ask for session-state tracking of sql_mode), followed
 * through SET statements and session-state tracking, and asked again when a SET gives a value only the server can
 * work out; while unknown, statements are classified under every mode. Per session, on its worker thread; owns the
 * reply bytes of its own mode query until it has read them.
 */
final class SessionSqlContext {
    static final String MODE_QUERY = "SELECT @@SESSION.sql_mode";
    private static final long DEPRECATE_EOF = 1L << 24;
    private static final int SESSION_TRACK_SYSTEM_VARIABLES = 0;

    private final Supplier<Endpoint> primary;
    private final List<Endpoint> replicas;
    /** Null while unknown. */
    private SqlMode mode;
    private boolean askAgain;
    private Endpoint asking;
    private CompositeByteBuf answer;
    private String lastVersionText;
    private int lastVersion;

    /** {@code primary} and {@code replicas} are the session's connections, read whenever a statement is classified. */
    SessionSqlContext(Supplier<Endpoint> primary, List<Endpoint> replicas) {
        this.primary = primary;
        this.replicas = replicas;
    }

    /**
     * The classification entry point: the statement bytes, the session's sql_mode (null when unknown) and the range
     * of versions of the servers that may run it, through the calling worker's classifier cache.
     */
    static Classification classify(byte[] sql, int offset, int length, SqlMode mode, int lowestVersion,
                                   int highestVersion) {
        return ClassifierCaches.current().classifyCautiously(sql, offset, length, mode, lowestVersion,
                highestVersion);
    }

    /** Classifies a statement of this session (COM_QUERY text or COM_STMT_PREPARE statement). */
    Classification classify(byte[] sql, int offset, int length) {
        int low = Integer.MAX_VALUE;
        int high = -1;
        Endpoint p = primary.get();
        if (p != null) {
            low = version(p);
            high = low;
        }
        for (int i = 0; i < replicas.size(); i++) {
            int v = version(replicas.get(i));
            low = Math.min(low, v);
            high = Math.max(high, v);
        }
        if (low < 0 || high < 0) {
            // A server whose version nobody has seen yet may run any version.
            low = 0;
            high = Integer.MAX_VALUE;
        }
        return classify(sql, offset, length, mode, low, high);
    }

    Classification classify(String sql) {
        byte[] b = sql.getBytes(StandardCharsets.UTF_8);
        return classify(b, 0, b.length);
    }

    /** The session's sql_mode as far as it is known, null when unknown. */
    SqlMode mode() {
        return mode;
    }

    /**
     * A server's version as {@code major*10000 + minor*100 + patch}, -1 for a server never reached. The last text
     * read is remembered: the monitor republishes the same string.
     */
    private int version(Endpoint e) {
        String text = e.server().state().versionString();
        if (text != lastVersionText) {
            lastVersion = parseVersion(text);
            lastVersionText = text;
        }
        return lastVersion;
    }

    /**
     * Reads {@code 10.11.6-MariaDB-log}, or {@code 5.5.5-10.11.6-MariaDB} (the prefix old replication clients
     * need), as 101106; -1 when the text holds no version (a server never reached).
     */
    static int parseVersion(String text) {
        String s = text == null ? "" : text;
        if (s.startsWith("5.5.5-")) {
            s = s.substring(6);
        }
        int[] parts = new int[3];
        int part = 0;
        boolean digits = false;
        for (int i = 0; i < s.length() && part < 3; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                parts[part] = Math.min(99, parts[part] * 10 + (c - '0'));
                digits = true;
            } else if (c == '.' && digits) {
                part++;
                digits = false;
            } else {
                break;
            }
        }
        if (part == 0 && !digits) {
            return -1;
        }
        return parts[0] * 10000 + parts[1] * 100 + parts[2];
    }

    /** True while {@code e} is answering the mode query. */
    boolean isAsking(Endpoint e) {
        return asking != null && asking == e;
    }

    /** True while the mode query is under way. */
    boolean asking() {
        return asking != null;
    }

    /** Asks {@code e} (the primary, or the login connection) for the session's sql_mode. */
    void ask(Endpoint e, ByteBufAllocator alloc) {
        askAgain = false;
        asking = e;
        byte[] text = MODE_QUERY.getBytes(StandardCharsets.US_ASCII);
        ByteBuf p = alloc.buffer(5 + text.length);
        p.writeMediumLE(1 + text.length).writeByte(0).writeByte(0x03).writeBytes(text);
        e.write(p, 0x03);
    }

    /**
     * Takes one chunk of the mode query's reply (owned by this call); returns true when the reply is complete and
     * the mode known, or unknown when the server did not answer with one row.
     */
    boolean collect(ByteBufAllocator alloc, ByteBuf buf, Reply reply, long clientCapabilities) {
        if (answer == null) {
            answer = alloc.compositeBuffer();
        }
        answer.addComponent(true, buf);
        if (reply == null) {
            return false;
        }
        mode = reply.kind() == Reply.Kind.RESULT_SET && reply.rows() == 1
                ? SqlMode.parse(CausalReads.firstValue(answer, (clientCapabilities & DEPRECATE_EOF) != 0)) : null;
        abandon();
        return true;
    }

    /** The mode query will not be answered (its connection failed). */
    void abandon() {
        asking = null;
        if (answer != null) {
            answer.release();
            answer = null;
        }
    }

    /**
     * A statement succeeded: the mode it set, or the one the server reports in its session-state tracking. A value
     * only the server knows makes the mode unknown until {@link #needsAsking()} has been acted on.
     */
    void afterStatement(Classification statement, Reply ok) {
        Classification set = statement == null ? null
                : statement.executed() != null && statement.executed().setsSqlMode() ? statement.executed() : statement;
        if (set != null && set.setsSqlMode()) {
            mode = set.sqlModeSet();
            askAgain = mode == null;
        }
        tracked(ok);
    }

    /** Reads a {@code sql_mode} change from an OK packet's session-state information, when the server sent one. */
    void tracked(Reply ok) {
        byte[] track = ok == null ? null : ok.sessionTrack();
        if (track == null) {
            return;
        }
        String value = trackedSqlMode(track);
        if (value != null) {
            mode = SqlMode.parse(value);
            askAgain = false;
        }
    }

    /** COM_RESET_CONNECTION or COM_CHANGE_USER: the server's default applies again, which only it knows. */
    void reset() {
        mode = null;
        askAgain = true;
    }

    /** True when the mode must be asked of the server before the next statement. */
    boolean needsAsking() {
        return askAgain && mode == null && asking == null;
    }

    /** The value of {@code sql_mode} in session-state-change bytes (SESSION_TRACK_SYSTEM_VARIABLES), or null. */
    static String trackedSqlMode(byte[] b) {
        String found = null;
        int[] at = {0};
        while (at[0] < b.length) {
            int type = b[at[0]++] & 0xFF;
            long len = lenenc(b, at);
            int end = (int) Math.min(b.length, at[0] + Math.max(0, len));
            if (len < 0) {
                return found;
            }
            if (type == SESSION_TRACK_SYSTEM_VARIABLES) {
                int[] inner = {at[0]};
                String name = lenencString(b, inner, end);
                String value = lenencString(b, inner, end);
                if (name != null && value != null && name.equalsIgnoreCase("sql_mode")) {
                    found = value;
                }
            }
            at[0] = end;
        }
        return found;
    }

    private static String lenencString(byte[] b, int[] at, int end) {
        long len = lenenc(b, at);
        if (len < 0 || at[0] + len > end) {
            return null;
        }
        String s = new String(b, at[0], (int) len, StandardCharsets.UTF_8);
        at[0] += (int) len;
        return s;
    }

    /** A length-encoded integer at {@code at[0]}, advancing it; -1 when the bytes end first. */
    private static long lenenc(byte[] b, int[] at) {
        if (at[0] >= b.length) {
            return -1;
        }
        int first = b[at[0]++] & 0xFF;
        int size = first < 0xFB ? 0 : first == 0xFC ? 2 : first == 0xFD ? 3 : first == 0xFE ? 8 : -1;
        if (size < 0 || at[0] + size > b.length) {
            return -1;
        }
        if (size == 0) {
            return first;
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) (b[at[0] + i] & 0xFF) << (8 * i);
        }
        at[0] += size;
        return v < 0 ? -1 : v;
    }
}
