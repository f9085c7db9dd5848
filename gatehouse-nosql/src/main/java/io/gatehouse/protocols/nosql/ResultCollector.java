package io.gatehouse.protocols.nosql;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.protocols.nosql.sql.SqlResult;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the MariaDB reply packets of one COM_QUERY into a {@link SqlResult}: the rows of a text result set
 * (column count, column definitions, EOF, rows, EOF, the layout a protocol's service session gets), or the OK or
 * error that the final {@link Reply} describes. Confined to the client's event loop; {@link #packet} only reads the
 * packet it is given (the caller releases it).
 */
final class ResultCollector {
    private static final byte[] MATCHED = "Rows matched: ".getBytes(StandardCharsets.US_ASCII);

    private enum State { FIRST, COLUMNS, ROWS }

    private State state = State.FIRST;
    private long columnsLeft;
    private int columns;
    private boolean sawResultSet;
    private final List<List<String>> rows = new ArrayList<>();

    /** Reads one packet (header included); returns the result on the reply's last packet ({@code reply} set), else null. */
    SqlResult packet(ByteBuf packet, Reply reply) {
        int payload = packet.readerIndex() + 4;
        int length = packet.readableBytes() - 4;
        int head = length > 0 ? packet.getUnsignedByte(payload) : -1;
        switch (state) {
            case FIRST -> {
                if (head != 0x00 && head != 0xFF && head != 0xFE && reply == null) {
                    columns = (int) lenenc(packet, payload);
                    columnsLeft = columns;
                    sawResultSet = true;
                    state = State.COLUMNS;
                }
            }
            case COLUMNS -> {
                if (columnsLeft > 0) {
                    columnsLeft--;
                } else {
                    state = State.ROWS;
                }
            }
            case ROWS -> {
                if (head == 0xFE && length < 9) {
                    state = State.FIRST;
                } else if (head != 0xFF) {
                    rows.add(row(packet, payload, payload + length));
                }
            }
        }
        if (reply == null) {
            return null;
        }
        if (reply.isError()) {
            return SqlResult.error(reply.errorCode(), reply.sqlState(), reply.errorMessage());
        }
        if (sawResultSet) {
            return SqlResult.rows(rows);
        }
        long matched = head == 0x00 ? matchedRows(packet, payload, payload + length) : -1;
        return SqlResult.ok(reply.affectedRows(), matched < 0 ? reply.affectedRows() : matched);
    }

    /**
     * The matched-row count an UPDATE's OK carries in its info text ("Rows matched: N  Changed: M  Warnings: W"), or
     * -1 when there is none. The affected rows count only changed rows unless the backend connection has
     * CLIENT_FOUND_ROWS, which the core negotiates for all protocols alike; the info text says both either way, so
     * MongoDB's {@code n} (matched) and {@code nModified} (changed) come out right behind any router.
     */
    static long matchedRows(ByteBuf packet, int from, int to) {
        int start = -1;
        for (int i = from; i + MATCHED.length <= to && start < 0; i++) {
            int k = 0;
            while (k < MATCHED.length && packet.getByte(i + k) == MATCHED[k]) {
                k++;
            }
            start = k == MATCHED.length ? i + k : -1;
        }
        if (start < 0) {
            return -1;
        }
        long n = 0;
        int digits = 0;
        for (int i = start; i < to; i++) {
            int c = packet.getUnsignedByte(i);
            if (c < '0' || c > '9') {
                break;
            }
            n = n * 10 + (c - '0');
            digits++;
        }
        return digits == 0 ? -1 : n;
    }

    private List<String> row(ByteBuf packet, int i, int end) {
        List<String> row = new ArrayList<>(columns);
        for (int c = 0; c < columns && i < end; c++) {
            int first = packet.getUnsignedByte(i);
            if (first == 0xFB) {
                row.add(null);
                i++;
                continue;
            }
            long len = lenenc(packet, i);
            i += first == 0xFC ? 3 : first == 0xFD ? 4 : first == 0xFE ? 9 : 1;
            int n = (int) Math.min(len, end - i);
            row.add(packet.toString(i, n, StandardCharsets.UTF_8));
            i += n;
        }
        return row;
    }

    private static long lenenc(ByteBuf b, int i) {
        int first = b.getUnsignedByte(i);
        return switch (first) {
            case 0xFC -> b.getUnsignedShortLE(i + 1);
            case 0xFD -> b.getUnsignedMediumLE(i + 1);
            case 0xFE -> b.getLongLE(i + 1);
            default -> first;
        };
    }
}
