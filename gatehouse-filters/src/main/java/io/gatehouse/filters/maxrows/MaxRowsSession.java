package io.gatehouse.filters.maxrows;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.OkPacket;
import io.gatehouse.protocol.StatusFlags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of the maxrows filter, on the session's worker thread. A result set (text or binary protocol) is held
 * back packet by packet while it stays within both limits and goes to the client whole when it ends; the row or
 * byte that passes a limit makes it drop what it holds and everything after, and the end of the result set is then
 * replaced as {@code max_resultset_return} says, so the client always gets a complete reply and the session never
 * holds more than the limits. A cursor's rows (COM_STMT_FETCH) are counted over all fetches of the statement and
 * stream through until the limit, after which the cursor is reported exhausted (or an error is sent). It owns the
 * packets it holds and releases them when the result set ends, on error and at close.
 */
final class MaxRowsSession implements FilterSession {
    private static final Logger LOG = LoggerFactory.getLogger(MaxRowsSession.class);
    /** MariaDB's ER_INVALID_... code MaxScale answers with, and its SQLSTATE "feature not supported". */
    private static final int LIMIT_ERROR = 1415;
    private static final String LIMIT_STATE = "0A000";

    private final String filter;
    private final MaxRowsModule.Settings settings;
    private final ClientInfo client;
    private final LongAdder replaced;
    /** Statement texts by prepared statement id, for the error message of COM_STMT_EXECUTE. */
    private final Map<Long, String> sqlById = new HashMap<>();
    /** Rows and bytes sent so far of each open cursor, by statement id; [2] is 1 once a limit was hit. */
    private final Map<Long, long[]> cursors = new HashMap<>();

    private int command;
    private String sql = "";
    private long statementId = -1;
    /** The counts of the cursor being fetched from, or null when the command is no COM_STMT_FETCH. */
    private long[] cursor;
    /** An error replaced a result set: the rest of the reply (further result sets) is dropped. */
    private boolean dropRest;
    /** The held column count and definitions of the current result set, or null outside one. */
    private CompositeByteBuf metadata;
    /** The held rows of the current result set, or null once a limit was hit. */
    private CompositeByteBuf rows;
    private long rowCount;
    private long size;
    private boolean exceeded;

    MaxRowsSession(String filter, MaxRowsModule.Settings settings, ClientInfo client, LongAdder replaced) {
        this.filter = filter;
        this.settings = settings;
        this.client = client;
        this.replaced = replaced;
    }

    @Override
    public List<RouteHint> routeQuery(Command c) {
        int cmd = c.command();
        ByteBuf p = c.packet();
        long id = p.readableBytes() >= 9 ? p.getUnsignedIntLE(p.readerIndex() + 5) : -1;
        switch (cmd) {
            case Command.COM_STMT_CLOSE -> {
                sqlById.remove(id);
                cursors.remove(id);
                return List.of();
            }
            case Command.COM_STMT_SEND_LONG_DATA -> {
                return List.of();
            }
            case Command.COM_RESET_CONNECTION -> {
                sqlById.clear();
                cursors.clear();
            }
            default -> {
            }
        }
        endResult();
        command = cmd;
        dropRest = false;
        cursor = null;
        statementId = id;
        if (c.carriesSql()) {
            sql = c.sql();
        } else if (cmd == Command.COM_STMT_EXECUTE || cmd == Command.COM_STMT_FETCH) {
            sql = sqlById.getOrDefault(id, "");
        } else {
            sql = "";
        }
        if (cmd == Command.COM_STMT_EXECUTE) {
            cursors.remove(id);                 // a new execution closes the statement's previous cursor
        } else if (cmd == Command.COM_STMT_FETCH) {
            cursor = cursors.computeIfAbsent(id, k -> new long[3]);
        }
        return List.of();
    }

    @Override
    public boolean needsReplyPackets() {
        return true;
    }

    @Override
    public ByteBuf replyPacket(ByteBuf packet, ReplyPacketKind kind) {
        if (dropRest) {
            packet.release();
            return Unpooled.EMPTY_BUFFER;
        }
        switch (kind) {
            case PREPARE_OK -> {
                if (command == Command.COM_STMT_PREPARE && packet.readableBytes() >= 9) {
                    sqlById.put(packet.getUnsignedIntLE(packet.readerIndex() + 5), sql);
                }
                return packet;
            }
            case COLUMN_COUNT -> {
                endResult();
                metadata = packet.alloc().compositeBuffer(Integer.MAX_VALUE);
                rows = packet.alloc().compositeBuffer(Integer.MAX_VALUE);
                rowCount = 0;
                size = 0;
                exceeded = false;
                return holdMetadata(packet);
            }
            case COLUMN_DEFINITION -> {
                return metadata == null ? packet : holdMetadata(packet);
            }
            case COLUMNS_END -> {
                if (metadata == null) {
                    return packet;
                }
                if ((status(packet) & StatusFlags.CURSOR_EXISTS) != 0) {
                    return cursorOpened(packet);
                }
                return holdMetadata(packet);
            }
            case ROW -> {
                return cursor != null ? cursorRow(packet) : metadata == null ? packet : row(packet);
            }
            case RESULT_END -> {
                if (cursor != null) {
                    return cursorEnd(packet);
                }
                if (metadata == null) {
                    return packet;
                }
                if (rowCount == 0 && (status(packet) & StatusFlags.CURSOR_EXISTS) != 0) {
                    return cursorOpened(packet);  // DEPRECATE_EOF: the cursor's metadata ends with this packet
                }
                return resultEnd(packet);
            }
            case ERROR -> {
                endResult();
                return packet;
            }
            default -> {
                return packet;
            }
        }
    }

    private ByteBuf holdMetadata(ByteBuf packet) {
        size += packet.readableBytes();
        metadata.addComponent(true, packet);
        return Unpooled.EMPTY_BUFFER;
    }

    private ByteBuf row(ByteBuf packet) {
        if (exceeded) {
            packet.release();
            return Unpooled.EMPTY_BUFFER;
        }
        rowCount++;
        size += packet.readableBytes();
        if (overLimit(rowCount, size)) {
            exceeded = true;
            rows.release();
            rows = null;
            packet.release();
            if (settings.logsLimits()) {
                LOG.info("{}: session {}: a result set passed the limit at row {} ({} bytes): {}", filter,
                        client.sessionId(), rowCount, size, sql);
            }
            return Unpooled.EMPTY_BUFFER;
        }
        rows.addComponent(true, packet);
        return Unpooled.EMPTY_BUFFER;
    }

    private boolean overLimit(long rowsSoFar, long bytesSoFar) {
        return settings.maxRows() > 0 && rowsSoFar > settings.maxRows() || bytesSoFar > settings.maxSize();
    }

    /** The result set ended with {@code end}: what was held goes on, or what replaces it. */
    private ByteBuf resultEnd(ByteBuf end) {
        ByteBufAllocator alloc = end.alloc();
        CompositeByteBuf meta = metadata;
        CompositeByteBuf held = rows;
        metadata = null;
        rows = null;
        if (!exceeded) {
            if (settings.logsEachResult()) {
                LOG.info("{}: session {}: result set of {} rows ({} bytes) sent", filter, client.sessionId(),
                        rowCount, size);
            }
            return meta.addComponent(true, held).addComponent(true, end);
        }
        replaced.increment();
        if (settings.logsEachResult()) {
            LOG.info("{}: session {}: result set over the limit replaced ({})", filter, client.sessionId(),
                    settings.mode());
        }
        switch (settings.mode()) {
            case EMPTY -> {
                return meta.addComponent(true, end);
            }
            case OK -> {
                int status = status(end) & ~(StatusFlags.CURSOR_EXISTS | StatusFlags.LAST_ROW_SENT);
                int warnings = warnings(end);
                meta.release();
                end.release();
                return OkPacket.write(alloc, 0, 0, 0, status, warnings, "");
            }
            default -> {
                meta.release();
                end.release();
                dropRest = true;               // the error ends the reply: later result sets are not the client's
                return limitError(alloc);
            }
        }
    }

    private ByteBuf limitError(ByteBufAllocator alloc) {
        return ErrPacket.write(alloc, 0, LIMIT_ERROR, LIMIT_STATE, "Row limit/size exceeded for query: " + sql);
    }

    /** COM_STMT_EXECUTE opened a cursor: its metadata goes on, and its rows are counted over the fetches. */
    private ByteBuf cursorOpened(ByteBuf end) {
        cursors.put(statementId, new long[3]);
        CompositeByteBuf meta = metadata;
        metadata = null;
        rows.release();
        rows = null;
        return meta.addComponent(true, end);
    }

    private ByteBuf cursorRow(ByteBuf packet) {
        if (cursor[2] != 0) {
            packet.release();
            return Unpooled.EMPTY_BUFFER;
        }
        cursor[0]++;
        cursor[1] += packet.readableBytes();
        if (overLimit(cursor[0], cursor[1])) {
            cursor[2] = 1;
            packet.release();
            if (settings.logsLimits()) {
                LOG.info("{}: session {}: a cursor passed the limit at row {}: {}", filter, client.sessionId(),
                        cursor[0], sql);
            }
            return Unpooled.EMPTY_BUFFER;
        }
        return packet;
    }

    /** The end of one fetch: after the limit, the cursor is reported exhausted, or an error replaces the end. */
    private ByteBuf cursorEnd(ByteBuf end) {
        if (cursor[2] == 0) {
            return end;
        }
        if (cursor[2] == 1) {
            cursor[2] = 2;
            replaced.increment();
        }
        if (settings.mode() == MaxRowsModule.Return.ERROR) {
            ByteBufAllocator alloc = end.alloc();
            end.release();
            return limitError(alloc);
        }
        int at = statusIndex(end);
        if (at >= 0) {
            end.setShortLE(at, end.getUnsignedShortLE(at) | StatusFlags.LAST_ROW_SENT);
        }
        return end;
    }

    /** Releases a result set held when its reply ended another way (an error, a new command, the session's end). */
    private void endResult() {
        if (metadata != null) {
            metadata.release();
            metadata = null;
        }
        if (rows != null) {
            rows.release();
            rows = null;
        }
    }

    /** The status flags of an EOF packet, or of an OK packet with either header; 0 when the packet is too short. */
    private static int status(ByteBuf packet) {
        int at = statusIndex(packet);
        return at < 0 ? 0 : packet.getUnsignedShortLE(at);
    }

    private static int warnings(ByteBuf packet) {
        int at = statusIndex(packet);
        if (at < 0) {
            return 0;
        }
        // EOF: warnings come before the status; OK: after it.
        boolean eof = packet.readableBytes() - 4 == 5;
        int w = eof ? at - 2 : at + 2;
        return w + 2 <= packet.writerIndex() ? packet.getUnsignedShortLE(w) : 0;
    }

    /** The index of the status flags in an EOF packet (payload of 5 bytes) or an OK packet, or -1. */
    private static int statusIndex(ByteBuf packet) {
        int payload = packet.readerIndex() + 4;
        int end = packet.writerIndex();
        if (end - payload == 5) {
            return payload + 3;
        }
        int at = payload + 1;
        for (int i = 0; i < 2 && at < end; i++) {
            int b = packet.getUnsignedByte(at);
            at += b < 0xFB ? 1 : b == 0xFC ? 3 : b == 0xFD ? 4 : 9;
        }
        return at + 2 <= end ? at : -1;
    }

    @Override
    public void close() {
        endResult();
    }
}
