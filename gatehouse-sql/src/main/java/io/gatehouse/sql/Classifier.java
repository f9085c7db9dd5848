package io.gatehouse.sql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Classifies the SQL of a COM_QUERY or COM_STMT_PREPARE payload; thread-safe and stateless (each thread reuses its
 * own token scratch space), so one instance serves every worker. It reads the caller's bytes during the call only
 * and keeps a private copy in the result; the caller keeps ownership of its buffer.
 *
 * <p>It never throws: anything it cannot lex or understand, including internal failures, is classified
 * {@code UNKNOWN | WRITE} so that routers send it to the primary.
 */
public final class Classifier {
    /** MariaDB 10.11: executable comments with a higher version are plain comments. */
    public static final int DEFAULT_SERVER_VERSION = 101100;

    private static final int MAX_RETAINED_TOKENS = 1 << 14;

    private final int serverVersion;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread working state; {@code busy} guards re-entry from EXECUTE IMMEDIATE. */
    private final class Scratch implements StatementAnalyzer.Nested {
        final Tokens tokens = new Tokens(128);
        final StatementAnalyzer analyzer = new StatementAnalyzer();
        boolean busy;
        SqlMode mode;
        int version;

        @Override
        public Classification classify(byte[] sql) {
            return Classifier.this.classify(sql, 0, sql.length, mode, version);
        }
    }

    public Classifier() {
        this(DEFAULT_SERVER_VERSION);
    }

    /**
     * @param serverVersion the backend version as {@code major*10000 + minor*100 + patch}; the content of
     *                      {@code /*!NNNNNN ... *}{@code /} comments with a higher version is ignored, as that server
     *                      would ignore it
     */
    public Classifier(int serverVersion) {
        this.serverVersion = serverVersion;
    }

    /** Classifies {@code sql} with the default sql_mode. */
    public Classification classify(String sql) {
        return classify(sql, SqlMode.DEFAULT);
    }

    public Classification classify(String sql, SqlMode mode) {
        byte[] bytes = sql == null ? new byte[0] : sql.getBytes(StandardCharsets.UTF_8);
        return classify(bytes, 0, bytes.length, mode);
    }

    /**
     * Classifies {@code sql[offset, offset + length)}, the statement text of a COM_QUERY payload (after the command
     * byte). Never throws; a null mode means {@link SqlMode#DEFAULT}.
     */
    public Classification classify(byte[] sql, int offset, int length, SqlMode mode) {
        return classify(sql, offset, length, mode, serverVersion);
    }

    /**
     * As {@link #classify(byte[], int, int, SqlMode)} for a server of {@code version} ({@code major*10000 +
     * minor*100 + patch}): the content of {@code /*!NNNNNN ... *}{@code /} and {@code /*M!NNNNNN ... *}{@code /}
     * comments is SQL when {@code NNNNNN <= version}, as that server decides.
     */
    public Classification classify(byte[] sql, int offset, int length, SqlMode mode, int version) {
        SqlMode m = mode == null ? SqlMode.DEFAULT : mode;
        byte[] text;
        try {
            text = Arrays.copyOfRange(sql, offset, offset + length);
        } catch (RuntimeException e) {
            return unknown(new byte[0], m, version);
        }
        try {
            return classifyCopy(text, m, version);
        } catch (RuntimeException | StackOverflowError e) {
            return unknown(text, m, version);
        }
    }

    /** The version executable comments are judged by when the caller names none. */
    public int serverVersion() {
        return serverVersion;
    }

    /**
     * Classifies the statement of a COM_STMT_PREPARE payload: as {@link #classify(byte[], int, int, SqlMode)} with
     * {@link QueryType#PREPARE_STMT} added. The statement's own bits tell how its executions may be routed.
     */
    public Classification classifyPrepare(byte[] sql, int offset, int length, SqlMode mode) {
        Classification c = classify(sql, offset, length, mode);
        return c.withExtraTypes(QueryType.PREPARE_STMT);
    }

    private static Classification unknown(byte[] text, SqlMode mode, int serverVersion) {
        return new Classification(text, 0, text.length, mode, serverVersion, QueryType.UNKNOWN | QueryType.WRITE, 0,
                Operation.UNKNOWN, new int[0], null, null);
    }

    private Classification classifyCopy(byte[] text, SqlMode mode, int serverVersion) {
        Scratch s = scratch.get();
        if (s.busy) {
            s = new Scratch();
        }
        s.busy = true;
        try {
            s.mode = mode;
            s.version = serverVersion;
            Tokens t = s.tokens;
            Lexer.lex(text, 0, text.length, mode, serverVersion, t);
            Classification result = statements(text, mode, serverVersion, t, s);
            if (t.capacity() > MAX_RETAINED_TOKENS) {
                scratch.remove();
            }
            return result;
        } finally {
            s.busy = false;
        }
    }

    private static Classification statements(byte[] text, SqlMode mode, int serverVersion, Tokens t, Scratch s) {
        int n = t.count;
        int i = skipSemis(t, 0, n);
        if (i == n) {
            return new Classification(text, 0, text.length, mode, serverVersion, QueryType.UNKNOWN | QueryType.WRITE,
                    0, t.error ? Operation.UNKNOWN : Operation.EMPTY, new int[0], null, null);
        }
        int end = statementEnd(t, i, n);
        int next = skipSemis(t, end, n);
        if (next == n) {
            return analyze(text, 0, text.length, mode, serverVersion, t, i, end, s);
        }
        List<Classification> list = new ArrayList<>();
        int mask = 0;
        int flags = Classification.FLAG_MULTI_STATEMENT;
        int[] spans = new int[0];
        while (i < n) {
            end = statementEnd(t, i, n);
            Classification c = analyze(text, t.start[i], t.end[end - 1], mode, serverVersion, t, i, end, s);
            list.add(c);
            mask |= c.typeMask();
            flags |= c.flags();
            int[] more = s.analyzer.spans;
            int count = s.analyzer.spanCount;
            spans = Arrays.copyOf(spans, spans.length + count);
            System.arraycopy(more, 0, spans, spans.length - count, count);
            i = skipSemis(t, end, n);
        }
        if ((flags & Classification.FLAG_SETS_SQL_MODE) != 0) {
            // Which statement's value wins is not worth working out: the caller asks the server.
            flags &= ~Classification.SQL_MODE_VALUE_FLAGS;
        }
        return new Classification(text, 0, text.length, mode, serverVersion, mask, flags, list.get(0).operation(),
                spans, List.copyOf(list), null);
    }

    private static Classification analyze(byte[] text, int from, int to, SqlMode mode, int serverVersion, Tokens t,
                                          int s, int e, Scratch scratchState) {
        StatementAnalyzer a = scratchState.analyzer;
        a.backslashEscapes = !mode.noBackslashEscapes();
        a.analyze(t, s, e, scratchState);
        return new Classification(text, from, to, mode, serverVersion, a.mask, a.flags, a.op,
                Arrays.copyOf(a.spans, a.spanCount), null, a.executed);
    }

    private static int skipSemis(Tokens t, int i, int n) {
        while (i < n && t.kind(i) == Tokens.SEMI) {
            i++;
        }
        return i;
    }

    private static int statementEnd(Tokens t, int i, int n) {
        if (StatementAnalyzer.isCompound(t, i, n)) {
            return n;
        }
        while (i < n && t.kind(i) != Tokens.SEMI) {
            i++;
        }
        return i;
    }
}
