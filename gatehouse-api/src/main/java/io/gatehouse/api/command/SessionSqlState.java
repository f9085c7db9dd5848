package io.gatehouse.api.command;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.ClassifierCaches;
import io.gatehouse.sql.SqlMode;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * What the classifier must know of one client session to read its SQL as its servers will: the session's
 * {@code sql_mode} and the versions of the servers it is connected to, so that a write disguised by ANSI_QUOTES,
 * NO_BACKSLASH_ESCAPES or a versioned executable comment is still seen as a write. The core makes one per session
 * over the session's open endpoints and hands it to the router ({@code RouterSessionContext.sqlState()}); every
 * {@link Command} of the session is classified through it, so filters and the router see the same classification.
 * The router, which knows which reply answers a statement, reports what changes the mode
 * ({@link #afterStatement}, {@link #answered}, {@link #reset}); while the mode is unknown, statements are classified
 * under every mode. Confined to the session's worker thread; holds no buffers.
 */
public final class SessionSqlState {
    private static final int SESSION_TRACK_SYSTEM_VARIABLES = 0;

    private final Collection<? extends Endpoint> endpoints;
    /** Null while unknown. */
    private SqlMode mode;
    private boolean askAgain;
    /** Version texts already read and their numbers (a few slots: one per distinct server version). */
    private final String[] versionTexts = new String[4];
    private final int[] versions = new int[4];
    private int nextVersionSlot;

    /**
     * {@code endpoints} is the session's live collection of backend connections, read whenever a statement is
     * classified: the statement may run on any of them.
     */
    public SessionSqlState(Collection<? extends Endpoint> endpoints) {
        this.endpoints = endpoints;
    }

    /**
     * Classifies statement text of this session (a COM_QUERY text or a COM_STMT_PREPARE statement) with its
     * sql_mode and the range of versions of its open connections, through the calling worker's classifier cache.
     */
    public Classification classify(byte[] sql, int offset, int length) {
        int low = Integer.MAX_VALUE;
        int high = -1;
        for (Endpoint e : endpoints) {
            if (e.isClosed()) {
                continue;
            }
            int v = version(e);
            low = Math.min(low, v);
            high = Math.max(high, v);
        }
        if (low < 0 || high < 0) {
            // No connection yet, or a server whose version nobody has seen yet: it may run any version.
            low = 0;
            high = Integer.MAX_VALUE;
        }
        return ClassifierCaches.current().classifyCautiously(sql, offset, length, mode, low, high);
    }

    /** Classifies a statement given as text (a prepared statement's text named by {@code PREPARE ... FROM}). */
    public Classification classify(String sql) {
        byte[] b = sql.getBytes(StandardCharsets.UTF_8);
        return classify(b, 0, b.length);
    }

    /** The session's sql_mode as far as it is known, null when unknown. */
    public SqlMode mode() {
        return mode;
    }

    /** The server answered a question for the mode: {@code answered} is its mode, null when it did not tell. */
    public void answered(SqlMode answered) {
        mode = answered;
        askAgain = false;
    }

    /** The mode has been asked of the server; the answer comes through {@link #answered}. */
    public void asked() {
        askAgain = false;
    }

    /**
     * A statement succeeded: the mode it set, or the one the server reports in its session-state tracking. A value
     * only the server knows makes the mode unknown until {@link #needsAsking()} has been acted on.
     *
     * @param statement the statement (or the prepared statement executed), null for other commands
     * @param ok        the reply that answered it
     */
    public void afterStatement(Classification statement, Reply ok) {
        Classification set = statement == null ? null
                : statement.executed() != null && statement.executed().setsSqlMode() ? statement.executed() : statement;
        if (set != null && set.setsSqlMode()) {
            mode = set.sqlModeSet();
            askAgain = mode == null;
        }
        tracked(ok);
    }

    /** Reads a {@code sql_mode} change from an OK packet's session-state information, when the server sent one. */
    public void tracked(Reply ok) {
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
    public void reset() {
        mode = null;
        askAgain = true;
    }

    /** True when the mode changed to a value only the server knows: it should be asked before the next statement. */
    public boolean needsAsking() {
        return askAgain && mode == null;
    }

    /**
     * A server's version as {@code major*10000 + minor*100 + patch}, -1 for a server never reached. The texts read
     * are remembered (the monitor republishes the same ones, and a session reads every connection's for each
     * statement), so that classifying a statement parses nothing.
     */
    private int version(Endpoint e) {
        String text = e.server().state().versionString();
        for (int i = 0; i < versionTexts.length; i++) {
            String known = versionTexts[i];
            if (known != null && (known == text || known.equals(text))) {
                return versions[i];
            }
        }
        int v = parseVersion(text);
        if (text != null) {
            versionTexts[nextVersionSlot] = text;
            versions[nextVersionSlot] = v;
            nextVersionSlot = (nextVersionSlot + 1) % versionTexts.length;
        }
        return v;
    }

    /**
     * Reads {@code 10.11.6-MariaDB-log}, or {@code 5.5.5-10.11.6-MariaDB} (the prefix old replication clients
     * need), as 101106; -1 when the text holds no version (a server never reached). Allocates nothing.
     */
    public static int parseVersion(String text) {
        String s = text == null ? "" : text;
        int start = s.startsWith("5.5.5-") ? 6 : 0;
        int version = 0;
        int number = 0;
        int part = 0;
        boolean digits = false;
        for (int i = start; i < s.length() && part < 3; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                number = Math.min(99, number * 10 + (c - '0'));
                digits = true;
            } else if (c == '.' && digits) {
                version = version * 100 + number;
                number = 0;
                part++;
                digits = false;
            } else {
                break;
            }
        }
        if (part == 0 && !digits) {
            return -1;
        }
        // The part being read when the text ended, then zeros for the parts it did not have.
        if (part < 3) {
            version = version * 100 + number;
            for (int p = part + 1; p < 3; p++) {
                version *= 100;
            }
        }
        return version;
    }

    /** The value of {@code sql_mode} in session-state-change bytes (SESSION_TRACK_SYSTEM_VARIABLES), or null. */
    public static String trackedSqlMode(byte[] b) {
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
