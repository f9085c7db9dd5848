package io.gatehouse.filters.cache;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.protocol.StatusFlags;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Operation;
import io.gatehouse.sql.QueryType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of the cache filter, on the session's worker thread. A cacheable text-protocol SELECT (COM_QUERY; as
 * in MaxScale, prepared statements are not cached) is answered from the storage when a fresh entry exists;
 * otherwise its reply is copied while it streams to the client and stored when it ends as one complete result set
 * within the size limits. Writes routed through the session remove the entries of the tables they change
 * ({@code invalidate=current}); the {@code @maxscale.cache.*} variables are answered here and never reach a server.
 * It keeps copies in heap arrays, never the buffers it is shown, so it holds no reference-counted buffers. With a
 * remote storage (Redis, memcached) the lookup is asynchronous ({@link #answerLater}): the command waits for the
 * storage's answer on the cache I/O thread while the worker serves other sessions, and the decision runs back here.
 */
final class CacheSession implements FilterSession {
    private static final Logger LOG = LoggerFactory.getLogger(CacheSession.class);
    /** Functions whose result depends on when, where or by whom they run (MaxScale's list and a few more). */
    private static final Set<String> NON_DETERMINISTIC = Set.of("BENCHMARK", "CONNECTION_ID", "CONVERT_TZ",
            "CURDATE", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURTIME", "DATABASE", "SCHEMA",
            "ENCRYPT", "FOUND_ROWS", "ROW_COUNT", "GET_LOCK", "IS_FREE_LOCK", "IS_USED_LOCK", "LAST_INSERT_ID",
            "LOAD_FILE", "LOCALTIME", "LOCALTIMESTAMP", "MASTER_POS_WAIT", "MASTER_GTID_WAIT", "NOW", "RAND",
            "RANDOM_BYTES", "RELEASE_LOCK", "SESSION_USER", "SLEEP", "SYSDATE", "SYSTEM_USER", "UNIX_TIMESTAMP",
            "USER", "CURRENT_USER", "CURRENT_ROLE", "UUID", "UUID_SHORT", "SYS_GUID", "UTC_DATE", "UTC_TIME",
            "UTC_TIMESTAMP", "NEXTVAL", "LASTVAL", "SETVAL");
    private static final int VAR_ERROR = 1231;           // ER_WRONG_VALUE_FOR_VAR
    private static final int SESSION_FLAGS = StatusFlags.IN_TRANS | StatusFlags.AUTOCOMMIT
            | StatusFlags.IN_TRANS_READONLY;

    private final String filter;
    private final CacheModule.Settings settings;
    private final ClientInfo client;
    /** The in-memory storage, or null with a remote one. */
    private final CacheStorage storage;
    /** The Redis or memcached storage, or null with the in-memory one. */
    private final RemoteStorage remote;
    /** May be null in test harnesses; then remote lookups finish on the cache I/O thread. */
    private final FilterSessionContext context;
    /** Runs a remote storage's answer on this session's worker. */
    private final Executor worker;
    private final CacheFilter counters;
    private final String userKey;
    /**
     * The most bytes one reply may have to be copied: max_resultset_size, and never more than the whole cache
     * (max_size) or a sixteenth of the heap, so that an unlimited setting cannot exhaust memory on a huge result.
     */
    private final long captureLimit;

    private boolean populate;
    private boolean use;
    private long softTtl;
    private long hardTtl;
    /** The default database, "" for none, or null when unknown (after a COM_CHANGE_USER, until the next USE). */
    private String database;
    /**
     * A COM_CHANGE_USER made the session another user's, whom this filter cannot see: per-user caching
     * (users=isolated, use rules) stops for the rest of the session.
     */
    private boolean userChanged;
    /** The server status of the last reply: whether a transaction is open, and of which kind. */
    private int status = StatusFlags.AUTOCOMMIT;
    /** The open transaction has written (cache_in_transactions=all_transactions stops using the cache then). */
    private boolean trxWrote;
    /** Whether the client asked for CLIENT_DEPRECATE_EOF, learned from its first result set; null until then. */
    private Boolean deprecateEof;

    // The current command.
    private String pendingDatabase;
    private boolean writing;
    private Set<String> written;
    private boolean clearAll;
    private boolean inMetadata;
    private boolean sawColumnsEnd;
    /** The reply being copied for the storage, or null. */
    private ByteArrayOutputStream capture;
    private int lastPacketAt;
    private long captureRows;
    private String captureSql;
    private Set<String> captureTables;
    /** A remote storage's generation tokens read with the lookup, stored with the entry. */
    private List<byte[]> captureTokens;
    /** The command answerLater decided (answer() is then asked about it too and must not decide again). */
    private Command planned;
    private CacheStorage.Entry refreshing;

    CacheSession(String filter, CacheModule.Settings settings, ClientInfo client, CacheStorage storage,
                 RemoteStorage remote, FilterSessionContext context, CacheFilter counters) {
        this.filter = filter;
        this.settings = settings;
        this.client = client;
        this.storage = storage;
        this.remote = remote;
        this.context = context;
        this.worker = context == null ? Runnable::run : r -> context.schedule(r, 0, TimeUnit.NANOSECONDS);
        this.counters = counters;
        this.userKey = settings.isolated() ? client.user() + "@" + client.remote() : "";
        long limit = Runtime.getRuntime().maxMemory() / 16;
        if (settings.maxResultSize() > 0) {
            limit = Math.min(limit, settings.maxResultSize());
        }
        if (settings.maxSize() > 0) {
            limit = Math.min(limit, settings.maxSize());
        }
        this.captureLimit = limit;
        this.populate = settings.enabled();
        this.use = settings.enabled();
        this.softTtl = settings.softTtlNanos();
        this.hardTtl = settings.hardTtlNanos();
        this.database = client.database() == null ? "" : client.database();
    }

    /** A cacheable SELECT as planned: its key, text, tables and whether this session may use a cached result. */
    private record Plan(CacheStorage.Key key, String sql, Set<String> tables, boolean mayUse) {
    }

    /**
     * With a remote storage, a cacheable SELECT is looked up over the network: the command waits (the worker does
     * not) until the storage answers with a fresh entry (the client's reply) or not (the SELECT goes to the server,
     * its result is stored). An unreachable or slow storage makes the statement run uncached.
     */
    @Override
    public CompletionStage<ByteBuf> answerLater(Command command, ByteBufAllocator alloc) {
        if (remote == null) {
            return null;
        }
        Object p = plan(command, alloc);
        planned = command;                      // answer() must not decide this command again
        if (p instanceof ByteBuf b) {
            return CompletableFuture.completedFuture(b);
        }
        if (!(p instanceof Plan plan)) {
            return null;
        }
        if (!remote.isUp()) {
            counters.storageFailures.increment();
            return null;
        }
        return remote.lookup(plan.mayUse() ? plan.key() : null, plan.tables())
                .thenApplyAsync(found -> decideRemote(plan, found, alloc), worker);
    }

    /** On the worker: the storage's answer becomes the client's reply (a hit) or a capture of the server's. */
    private ByteBuf decideRemote(Plan plan, RemoteStorage.Found found, ByteBufAllocator alloc) {
        if (context != null && !context.isOpen()) {
            return null;
        }
        if (found == null) {
            counters.storageFailures.increment();
            return null;
        }
        if (plan.mayUse()) {
            ByteBuf hit = useEntry(found.entry(), plan.sql(), alloc);
            if (hit != null) {
                return hit;
            }
        }
        startCapture(plan, found.tokens());
        return null;
    }

    @Override
    public ByteBuf answer(Command command, ByteBufAllocator alloc) {
        if (remote != null) {
            if (planned == command) {           // answerLater decided it; a capture may be under way
                planned = null;
                return null;
            }
            Object p = plan(command, alloc);    // not asked to answer later (no reply expected): never cached
            return p instanceof ByteBuf b ? b : null;
        }
        Object p = plan(command, alloc);
        if (!(p instanceof Plan plan)) {
            return (ByteBuf) p;
        }
        if (plan.mayUse()) {
            ByteBuf hit = useEntry(storage.get(plan.key()), plan.sql(), alloc);
            if (hit != null) {
                return hit;
            }
        }
        startCapture(plan, null);
        return null;
    }

    /**
     * Decides about one command: the answer to a {@code @maxscale.cache} variable (a buffer), the {@link Plan} of a
     * cacheable SELECT, or null for anything the cache leaves alone.
     */
    private Object plan(Command command, ByteBufAllocator alloc) {
        endCommand();
        int cmd = command.command();
        if (cmd == Command.COM_INIT_DB) {
            ByteBuf p = command.packet();
            pendingDatabase = p.toString(p.readerIndex() + 5, p.readableBytes() - 5, StandardCharsets.UTF_8);
            return null;
        }
        if (cmd != Command.COM_QUERY) {
            return null;
        }
        String sql = command.sql();
        ByteBuf variable = CacheVariables.isCandidate(sql) ? sessionVariable(sql, alloc) : null;
        if (variable != null || !(use || populate) || !CacheVariables.startsWithSelect(sql)) {
            return variable;
        }
        if (database == null || userChanged && (settings.isolated() || settings.rules() != null)) {
            return null;                        // the key would not say whose or which database's result it is
        }
        Classification c = command.classification();
        String why = uncacheable(c);
        if (why == null) {
            why = transactionRefusal();
        }
        if (why != null) {
            if (settings.logs(8)) {
                LOG.info("{}: session {}: not cached ({}): {}", filter, client.sessionId(), why, sql);
            }
            return null;
        }
        CacheRules.Group group = null;
        if (settings.rules() != null) {
            group = settings.rules().storeGroup(new CacheRules.Statement(sql, c.tablesRead(), database));
            if (group == null) {
                if (settings.logs(1)) {
                    LOG.info("{}: session {}: no store rule matches: {}", filter, client.sessionId(), sql);
                }
                return null;
            }
            if (settings.logs(2)) {
                LOG.info("{}: session {}: a store rule matches: {}", filter, client.sessionId(), sql);
            }
        }
        boolean mayUse = use && deprecateEof != null
                && (group == null || CacheRules.mayUse(group, client.user(), client.remote()));
        CacheStorage.Key key = deprecateEof == null ? null
                : new CacheStorage.Key(userKey, database, sql, deprecateEof);
        if (!mayUse && !populate) {
            return null;
        }
        return new Plan(key, sql, qualified(c.tablesRead()), mayUse);
    }

    /**
     * The reply from entry {@code e} if it may be used (within hard_ttl; past soft_ttl only while another session
     * refreshes it), counting a hit; else null, counting a miss (and this session refreshes a stale entry).
     */
    private ByteBuf useEntry(CacheStorage.Entry e, String sql, ByteBufAllocator alloc) {
        long now = System.nanoTime();
        if (e != null && (hardTtl <= 0 || now - e.storedNanos <= hardTtl)) {
            boolean stale = softTtl > 0 && now - e.storedNanos > softTtl;
            if (!stale || populate && !e.refreshing.compareAndSet(false, true) || !populate) {
                counters.hits.increment();
                if (settings.logs(4)) {
                    LOG.info("{}: session {}: answered from the cache{}: {}", filter, client.sessionId(),
                            stale ? " (stale)" : "", sql);
                }
                return copy(e, alloc);
            }
            refreshing = e;                     // this session refreshes it; the others keep using it meanwhile
        }
        counters.misses.increment();
        return null;
    }

    /** Starts copying the reply for the storage ({@code tokens}: a remote storage's, read at the lookup). */
    private void startCapture(Plan plan, List<byte[]> tokens) {
        if (populate) {
            capture = new ByteArrayOutputStream(256);
            captureSql = plan.sql();
            captureTables = plan.tables();
            captureTokens = tokens;
        }
    }

    /** A copy of a cached reply, its final status flags set to this session's transaction state. */
    private ByteBuf copy(CacheStorage.Entry e, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(e.packets.length).writeBytes(e.packets);
        int at = ReplyStatus.index(out, e.lastPacketAt);
        if (at >= 0) {
            int stored = out.getUnsignedShortLE(at);
            out.setShortLE(at, stored & ~SESSION_FLAGS | status & SESSION_FLAGS);
        }
        return out;
    }

    /** Why a SELECT may not be cached, or null when it may. */
    private String uncacheable(Classification c) {
        if (c == null || c.operation() != Operation.SELECT) {
            return "not a SELECT";
        }
        if (c.isMultiStatement()) {
            return "a multi-statement";
        }
        if (c.isForUpdate() || c.isForShare() || c.isLockInShareMode() || c.isSelectIntoVariables()
                || c.isSelectIntoOutfile() || c.isSelectIntoDumpfile()
                || c.isAny(QueryType.WRITE | QueryType.UNKNOWN | QueryType.USERVAR_WRITE | QueryType.SESSION_WRITE
                | QueryType.GSYSVAR_WRITE)) {
            return "locks, writes or cannot be parsed";
        }
        for (String t : c.tablesRead()) {
            String l = t.replace("`", "").toLowerCase(Locale.ROOT);
            if (l.startsWith("information_schema.") || l.startsWith("performance_schema.")
                    || (database.equalsIgnoreCase("information_schema")
                    || database.equalsIgnoreCase("performance_schema")) && l.indexOf('.') < 0) {
                return "reads information_schema or performance_schema";
            }
        }
        if (settings.verify()) {
            if (c.isAny(QueryType.USERVAR_READ | QueryType.SYSVAR_READ | QueryType.GSYSVAR_READ)) {
                return "reads variables";
            }
            for (String f : c.functions()) {
                String name = f.substring(f.lastIndexOf('.') + 1).toUpperCase(Locale.ROOT);
                if (NON_DETERMINISTIC.contains(name)) {
                    return "calls " + name;
                }
            }
        }
        return null;
    }

    /**
     * Why the open transaction may not use the cache, or null when it may (or none is open). With autocommit off
     * every statement is in a transaction, even before the server reports one open (it does so only once a
     * transactional table was touched).
     */
    private String transactionRefusal() {
        if ((status & StatusFlags.IN_TRANS) == 0 && (status & StatusFlags.AUTOCOMMIT) != 0) {
            return null;
        }
        boolean readOnly = (status & StatusFlags.IN_TRANS_READONLY) != 0;
        return switch (settings.inTransactions()) {
            case NEVER -> "in a transaction";
            case READ_ONLY_TRANSACTIONS -> readOnly ? null : "in a read-write transaction";
            case ALL_TRANSACTIONS -> readOnly || !trxWrote ? null : "in a transaction that wrote";
        };
    }

    @Override
    public List<RouteHint> routeQuery(Command command) {
        if (command.command() != Command.COM_QUERY || capture != null) {
            return List.of();
        }
        Classification c = command.classification();
        if (c == null) {
            return List.of();
        }
        if (c.operation() == Operation.USE && c.database() != null) {
            pendingDatabase = c.database().replace("`", "");
        }
        if (c.isWrite()) {
            writing = true;
            if (settings.invalidate()) {
                if (c.isUnknown()) {
                    clearAll = settings.clearOnParseErrors();
                } else if (database == null && c.tablesWritten().stream().anyMatch(t -> t.indexOf('.') < 0)) {
                    clearAll = true;            // which database's table it is cannot be told
                } else {
                    written = qualified(c.tablesWritten());
                }
                invalidate();                   // now, and again when the write is done (see clientReply)
            }
        }
        return List.of();
    }

    private void invalidate() {
        if (clearAll) {
            if (remote != null) {
                remote.clear();
            } else {
                storage.clear();
            }
            if (settings.logs(8)) {
                LOG.info("{}: session {}: a write whose tables cannot be told cleared the cache", filter,
                        client.sessionId());
            }
        } else if (written != null && !written.isEmpty()) {
            if (remote != null) {
                remote.invalidate(written);     // how many entries that drops, only the storage could tell
            } else {
                counters.deletes.add(storage.invalidate(written));
            }
        }
    }

    @Override
    public boolean needsReplyPackets() {
        return true;
    }

    @Override
    public ByteBuf replyPacket(ByteBuf packet, ReplyPacketKind kind) {
        switch (kind) {
            case COLUMN_COUNT -> {
                inMetadata = true;
                sawColumnsEnd = false;
            }
            case COLUMNS_END -> sawColumnsEnd = true;
            case ROW, RESULT_END -> {
                if (inMetadata) {
                    inMetadata = false;
                    deprecateEof = !sawColumnsEnd;
                }
            }
            default -> {
            }
        }
        if (capture != null) {
            keep(packet, kind);
        }
        return packet;
    }

    /** Copies one packet of the reply being captured, or gives the capture up when it cannot be stored. */
    private void keep(ByteBuf packet, ReplyPacketKind kind) {
        if (kind == ReplyPacketKind.ERROR || kind == ReplyPacketKind.RESULT_END
                && (ReplyStatus.get(packet) & StatusFlags.MORE_RESULTS_EXISTS) != 0) {
            abandon();
            return;
        }
        if (kind == ReplyPacketKind.ROW && settings.maxRows() > 0 && ++captureRows > settings.maxRows()
                || capture.size() + (long) packet.readableBytes() > captureLimit) {
            if (settings.logs(8)) {
                LOG.info("{}: session {}: result set over max_resultset_rows or max_resultset_size, not cached",
                        filter, client.sessionId());
            }
            abandon();
            return;
        }
        lastPacketAt = capture.size();
        try {
            packet.getBytes(packet.readerIndex(), capture, packet.readableBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);          // a ByteArrayOutputStream does not fail
        }
    }

    @Override
    public void clientReply(Reply reply) {
        if (!reply.isError()) {
            status = reply.status();
            if (pendingDatabase != null) {
                database = pendingDatabase;
            }
        }
        if ((status & StatusFlags.IN_TRANS) == 0) {
            trxWrote = false;
        } else if (writing) {
            trxWrote = true;
        }
        if (settings.invalidate() && writing) {
            invalidate();
        }
        if (capture != null && !reply.isError() && reply.kind() == Reply.Kind.RESULT_SET && reply.resultSets() == 1
                && deprecateEof != null) {
            CacheStorage.Key key = new CacheStorage.Key(userKey, database, captureSql, deprecateEof);
            if (remote != null) {
                remote.store(key, capture.toByteArray(), lastPacketAt, captureTokens, settings.hardTtlNanos());
            } else {
                storage.put(key, new CacheStorage.Entry(capture.toByteArray(), lastPacketAt, System.nanoTime(),
                        captureTables));
            }
            counters.updates.increment();
            if (settings.logs(16)) {
                LOG.info("{}: session {}: stored {} bytes: {}", filter, client.sessionId(), capture.size(),
                        captureSql);
            }
            refreshing = null;                  // the new entry replaced the stale one
        }
        endCommand();
    }

    /** Forgets the current command's state; a refresh that did not happen lets another session try. */
    private void endCommand() {
        abandon();
        pendingDatabase = null;
        writing = false;
        written = null;
        clearAll = false;
        inMetadata = false;
    }

    private void abandon() {
        capture = null;
        captureRows = 0;
        captureSql = null;
        captureTables = null;
        captureTokens = null;
        if (refreshing != null) {
            refreshing.refreshing.set(false);
            refreshing = null;
        }
    }

    /** {@code SET @maxscale.cache.NAME = value}: an OK or an error for the client, or null for other SETs. */
    private ByteBuf sessionVariable(String sql, ByteBufAllocator alloc) {
        CacheVariables.Assignment a = CacheVariables.parse(sql);
        if (a == null) {
            return null;
        }
        String error = switch (a.name()) {
            case "populate" -> {
                Boolean b = CacheVariables.bool(a.value());
                if (b != null) {
                    populate = b;
                }
                yield b == null ? "true, false, 0 or 1" : null;
            }
            case "use" -> {
                Boolean b = CacheVariables.bool(a.value());
                if (b != null) {
                    use = b;
                }
                yield b == null ? "true, false, 0 or 1" : null;
            }
            default -> {
                Long seconds = CacheVariables.seconds(a.value());
                if (seconds != null) {
                    long nanos = seconds * 1_000_000_000L;
                    if (a.name().equals("soft_ttl")) {
                        softTtl = nanos;
                    } else {
                        hardTtl = nanos;
                    }
                }
                yield seconds == null ? "a non-negative number of seconds" : null;
            }
        };
        if (error != null) {
            return io.gatehouse.protocol.ErrPacket.write(alloc, 1, VAR_ERROR, "42000", "The variable @maxscale.cache."
                    + a.name() + " can only have the values " + error + ", not '" + a.value() + "'");
        }
        return io.gatehouse.protocol.OkPacket.write(alloc, 1, 0, 0, status, 0, "");
    }

    /** Table names as {@code db.table} in lower case, unqualified ones in the session's database. */
    private Set<String> qualified(List<String> tables) {
        Set<String> out = new HashSet<>();
        for (String t : tables) {
            String l = t.replace("`", "").toLowerCase(Locale.ROOT);
            out.add(l.indexOf('.') >= 0 ? l : database.toLowerCase(Locale.ROOT) + "." + l);
        }
        return out;
    }

    @Override
    public void sessionReset() {
        endCommand();
        database = null;
        userChanged = true;
    }

    @Override
    public void close() {
        endCommand();
    }
}
