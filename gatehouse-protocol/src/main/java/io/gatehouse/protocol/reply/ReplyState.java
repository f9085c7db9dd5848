package io.gatehouse.protocol.reply;

import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.api.reply.Reply;
import java.nio.charset.StandardCharsets;

/**
 * The state machine of one reply, fed whole logical packets' first bytes by {@link ReplyTracker}. Knows the reply
 * shapes of every command: OK/ERR, result sets with or without EOF packets (CLIENT_DEPRECATE_EOF), multiple result
 * sets, LOCAL INFILE requests, prepare responses, cursor opens and fetches, MariaDB's metadata-cache flag.
 * Confined to the tracker's thread; holds no buffers.
 */
final class ReplyState {
    private static final long DEPRECATE_EOF = 1L << 24;
    private static final long CACHE_METADATA = 1L << 36;
    private static final int MORE_RESULTS = 8;
    private static final int CURSOR_EXISTS = 64;
    private static final int MAX_PAYLOAD = 0xFFFFFF;

    private enum Phase { IDLE, FIRST, COLUMNS, COLUMNS_EOF, ROWS, PREPARE_PARAMS, PREPARE_PARAMS_EOF, PREPARE_COLUMNS,
        PREPARE_COLUMNS_EOF, SINGLE, FIELD_LIST, NONE }

    private Phase phase = Phase.IDLE;
    private int command;
    private boolean deprecateEof;
    private boolean cacheMetadata;
    private long columnsLeft;
    private long prepareColumns;
    private boolean started;
    private boolean localInfile;
    /** The current reply asked the client for a LOCAL INFILE file (its numbering then continues the client's). */
    private boolean askedForFile;
    // Reply fields
    private Reply.Kind kind;
    private int resultSets;
    private long rows;
    private long affectedRows;
    private long lastInsertId;
    private int warnings;
    private int status;
    private int errorCode;
    private String sqlState = "";
    private String errorMessage = "";
    private byte[] sessionTrack;
    private long statementId;
    private int parameterCount;

    boolean active() {
        return phase != Phase.IDLE;
    }

    boolean started() {
        return started;
    }

    void begin(int cmd, long caps) {
        command = cmd;
        deprecateEof = (caps & DEPRECATE_EOF) != 0;
        cacheMetadata = (caps & CACHE_METADATA) != 0;
        started = false;
        askedForFile = false;
        kind = Reply.Kind.OK;
        resultSets = 0;
        rows = 0;
        affectedRows = 0;
        lastInsertId = 0;
        warnings = 0;
        status = 0;
        errorCode = 0;
        sqlState = "";
        errorMessage = "";
        sessionTrack = null;
        statementId = 0;
        parameterCount = 0;
        phase = switch (cmd) {
            case 0x03, 0x17, 0xFA, 0x0A -> Phase.FIRST;            // QUERY, STMT_EXECUTE, BULK_EXECUTE, PROCESS_INFO
            case 0x1C -> Phase.ROWS;                               // STMT_FETCH
            case 0x16 -> Phase.FIRST;                              // STMT_PREPARE
            case 0x04 -> Phase.FIELD_LIST;                         // FIELD_LIST
            case 0x09 -> Phase.SINGLE;                             // STATISTICS
            case 0x12, 0x13, 0x14, 0x15 -> Phase.NONE;             // binlog streams never end
            default -> Phase.SINGLE;                               // OK / ERR / EOF
        };
    }

    boolean askedForFile() {
        return askedForFile;
    }

    boolean takeLocalInfile() {
        boolean was = localInfile;
        localInfile = false;
        return was;
    }

    void clear() {
        phase = Phase.IDLE;
        started = false;
    }

    /** How many bytes of a packet starting with {@code first} of length {@code len} the state needs to see. */
    int bytesWanted(int first, int len) {
        return switch (phase) {
            case ROWS -> isTerminator(first, len) || first == 0xFF ? len : 0;
            case COLUMNS, PREPARE_PARAMS, PREPARE_COLUMNS -> 0;
            case FIELD_LIST -> first == 0xFE && len < 0xFFFFFF || first == 0xFF ? len : 0;
            default -> len;
        };
    }

    /**
     * What the packet about to be handed to {@link #onPacket} is, judged from the phase before it (so call this
     * first), its first {@code n} bytes in {@code p} and its payload length; {@link ReplyPacketKind#OTHER} when no
     * reply is expected.
     */
    ReplyPacketKind kindOf(byte[] p, int n, int len) {
        int first = n > 0 ? p[0] & 0xFF : -1;
        return switch (phase) {
            case FIRST -> firstKind(p, n, first, len);
            case COLUMNS -> ReplyPacketKind.COLUMN_DEFINITION;
            case COLUMNS_EOF -> ReplyPacketKind.COLUMNS_END;
            case ROWS -> first == 0xFF ? ReplyPacketKind.ERROR
                    : isTerminator(first, len) ? ReplyPacketKind.RESULT_END : ReplyPacketKind.ROW;
            case PREPARE_PARAMS, PREPARE_PARAMS_EOF, PREPARE_COLUMNS, PREPARE_COLUMNS_EOF ->
                    ReplyPacketKind.PREPARE_DEFINITION;
            case FIELD_LIST -> first == 0xFF ? ReplyPacketKind.ERROR : ReplyPacketKind.OTHER;
            case SINGLE -> first == 0xFF ? ReplyPacketKind.ERROR
                    : first == 0x00 && command != 0x09 || first == 0xFE && len < 9 ? ReplyPacketKind.OK
                    : ReplyPacketKind.OTHER;
            default -> ReplyPacketKind.OTHER;
        };
    }

    private ReplyPacketKind firstKind(byte[] p, int n, int first, int len) {
        if (first == 0xFF) {
            boolean progress = n >= 3 && (p[1] & 0xFF) == 0xFF && (p[2] & 0xFF) == 0xFF;
            return progress ? ReplyPacketKind.OTHER : ReplyPacketKind.ERROR;
        }
        if (command == 0x16) {
            return first == 0x00 && n >= 9 ? ReplyPacketKind.PREPARE_OK : ReplyPacketKind.OTHER;
        }
        if (first == 0x00 || first == 0xFE && len < 9) {
            return ReplyPacketKind.OK;
        }
        return first == 0xFB ? ReplyPacketKind.LOCAL_INFILE_REQUEST : ReplyPacketKind.COLUMN_COUNT;
    }

    /**
     * Handles one logical packet whose first {@code n} bytes are in {@code p}; returns true when the reply is
     * complete.
     */
    boolean onPacket(byte[] p, int n, int len, long caps) {
        started = true;
        int first = n > 0 ? p[0] & 0xFF : -1;
        switch (phase) {
            case FIRST:
                return onFirst(p, n, first, len);
            case COLUMNS:
                if (--columnsLeft == 0) {
                    phase = deprecateEof ? Phase.ROWS : Phase.COLUMNS_EOF;
                }
                return false;
            case COLUMNS_EOF:
                readEof(p, n);
                if ((status & CURSOR_EXISTS) != 0) {
                    return true;                 // a cursor was opened; rows come with COM_STMT_FETCH
                }
                phase = Phase.ROWS;
                return false;
            case ROWS:
                if (first == 0xFF) {
                    return onError(p, n);
                }
                if (isTerminator(first, len)) {
                    if (deprecateEof) {
                        readOk(p, n);
                    } else {
                        readEof(p, n);
                    }
                    return endOfResult();
                }
                rows++;
                return false;
            case PREPARE_PARAMS:
                if (--columnsLeft == 0) {
                    return afterPrepareParams();
                }
                return false;
            case PREPARE_PARAMS_EOF:
                return startPrepareColumns();
            case PREPARE_COLUMNS:
                if (--columnsLeft == 0) {
                    if (deprecateEof) {
                        return true;
                    }
                    phase = Phase.PREPARE_COLUMNS_EOF;
                }
                return false;
            case PREPARE_COLUMNS_EOF:
                return true;
            case FIELD_LIST:
                if (first == 0xFF) {
                    return onError(p, n);
                }
                if (first == 0xFE && len < MAX_PAYLOAD) {
                    kind = Reply.Kind.RESULT_SET;
                    return true;
                }
                return false;
            case SINGLE:
                if (first == 0xFF) {
                    return onError(p, n);
                }
                if (first == 0x00 && command != 0x09) {
                    readOk(p, n);
                } else if (first == 0xFE && len < 9) {
                    readEof(p, n);
                } else {
                    kind = Reply.Kind.OTHER;
                }
                return true;
            case NONE:
            default:
                return false;
        }
    }

    private boolean onFirst(byte[] p, int n, int first, int len) {
        if (first == 0xFF) {
            if (n >= 3 && (p[1] & 0xFF) == 0xFF && (p[2] & 0xFF) == 0xFF) {
                return false;                    // MariaDB progress report, not the end
            }
            return onError(p, n);
        }
        if (command == 0x16) {                   // STMT_PREPARE
            if (first != 0x00 || n < 9) {
                kind = Reply.Kind.OTHER;
                return true;
            }
            kind = Reply.Kind.PREPARE_OK;
            statementId = (p[1] & 0xFFL) | (p[2] & 0xFFL) << 8 | (p[3] & 0xFFL) << 16 | (p[4] & 0xFFL) << 24;
            prepareColumns = u16(p, 5);
            columnsLeft = u16(p, 7);
            parameterCount = (int) columnsLeft;
            if (n >= 12) {
                warnings = u16(p, 10);
            }
            // With MariaDB's metadata cache a trailing 0 byte says the definitions are not sent.
            if (cacheMetadata && n >= 13 && p[12] == 0) {
                return true;
            }
            return columnsLeft > 0 ? setPhase(Phase.PREPARE_PARAMS) : afterPrepareParamsNone();
        }
        if (first == 0x00) {
            readOk(p, n);
            return (status & MORE_RESULTS) == 0;
        }
        if (first == 0xFB) {
            localInfile = true;
            askedForFile = true;
            phase = Phase.FIRST;                 // LOCAL INFILE: the client sends the file, then OK or ERR follows
            return false;
        }
        if (first == 0xFE && len < 9) {
            readEof(p, n);
            return true;
        }
        long[] pos = cursor;
        pos[0] = 0;
        long count = lenenc(p, n, pos);
        kind = Reply.Kind.RESULT_SET;
        resultSets++;
        columnsLeft = count;
        boolean skipMetadata = cacheMetadata && pos[0] < n && p[(int) pos[0]] == 0;
        if (skipMetadata || count == 0) {
            phase = deprecateEof ? Phase.ROWS : Phase.COLUMNS_EOF;
        } else {
            phase = Phase.COLUMNS;
        }
        return false;
    }

    private boolean setPhase(Phase p) {
        phase = p;
        return false;
    }

    private boolean afterPrepareParams() {
        if (deprecateEof) {
            return startPrepareColumns();
        }
        phase = Phase.PREPARE_PARAMS_EOF;
        return false;
    }

    private boolean afterPrepareParamsNone() {
        return startPrepareColumns();
    }

    private boolean startPrepareColumns() {
        columnsLeft = prepareColumns;
        if (columnsLeft == 0) {
            return true;
        }
        phase = Phase.PREPARE_COLUMNS;
        return false;
    }

    private boolean endOfResult() {
        if ((status & MORE_RESULTS) != 0) {
            phase = Phase.FIRST;
            return false;
        }
        return true;
    }

    private boolean onError(byte[] p, int n) {
        kind = Reply.Kind.ERROR;
        errorCode = n >= 3 ? u16(p, 1) : 0;
        int msgStart = 3;
        if (n >= 9 && p[3] == '#') {
            sqlState = new String(p, 4, 5, StandardCharsets.US_ASCII);
            msgStart = 9;
        }
        errorMessage = n > msgStart ? new String(p, msgStart, n - msgStart, StandardCharsets.UTF_8) : "";
        return true;
    }

    private void readOk(byte[] p, int n) {
        long[] pos = cursor;
        pos[0] = 1;
        affectedRows = lenenc(p, n, pos);
        lastInsertId = lenenc(p, n, pos);
        int at = (int) pos[0];
        if (at + 4 <= n) {
            status = u16(p, at);
            warnings = u16(p, at + 2);
        }
        // Session-state information follows the info string when the server says it changed.
        if ((status & 0x4000) != 0 && at + 4 < n) {
            long[] q = {at + 4};
            long infoLen = lenenc(p, n, q);
            int trackAt = (int) (q[0] + infoLen);
            if (trackAt < n) {
                long[] r = {trackAt};
                long trackLen = lenenc(p, n, r);
                int from = (int) r[0];
                int to = (int) Math.min(n, from + trackLen);
                if (from <= to) {
                    sessionTrack = java.util.Arrays.copyOfRange(p, from, to);
                }
            }
        }
        if (kind != Reply.Kind.RESULT_SET) {
            kind = Reply.Kind.OK;
        }
    }

    private void readEof(byte[] p, int n) {
        if (n >= 5) {
            warnings = u16(p, 1);
            status = u16(p, 3);
        }
    }

    private static boolean isTerminator(int first, int len) {
        return first == 0xFE && len < MAX_PAYLOAD;
    }

    /** The read position of {@link #lenenc}, reused: a result set's first packet or an OK allocates nothing. */
    private final long[] cursor = new long[1];

    Reply toReply() {
        return new Reply(command, kind, resultSets, rows, affectedRows, lastInsertId, warnings, status, errorCode,
                sqlState, errorMessage, sessionTrack, statementId, parameterCount);
    }

    private static int u16(byte[] p, int at) {
        return (p[at] & 0xFF) | (p[at + 1] & 0xFF) << 8;
    }

    /** Reads a length-encoded integer at pos[0], advancing it; returns 0 on short input. */
    private static long lenenc(byte[] p, int n, long[] pos) {
        int at = (int) pos[0];
        if (at >= n) {
            return 0;
        }
        int b = p[at] & 0xFF;
        int size = b < 0xFB ? 0 : b == 0xFC ? 2 : b == 0xFD ? 3 : b == 0xFE ? 8 : 0;
        if (b < 0xFB) {
            pos[0] = at + 1;
            return b;
        }
        if (at + 1 + size > n) {
            pos[0] = n;
            return 0;
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) (p[at + 1 + i] & 0xFF) << (8 * i);
        }
        pos[0] = at + 1 + size;
        return v;
    }
}
