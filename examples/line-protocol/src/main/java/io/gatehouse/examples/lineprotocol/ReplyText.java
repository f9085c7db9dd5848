package io.gatehouse.examples.lineprotocol;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Turns the MariaDB reply packets of one statement into the line protocol's text: each row of a result set as one
 * line of tab-separated values ({@code NULL} for SQL NULL), then {@code OK <affected rows>} or
 * {@code ERR <code> <message>} when the reply ends. It reads the classic layout a protocol's service session gets
 * (column count, column definitions, EOF, rows, EOF) and trusts the {@link Reply} for where a reply ends. Confined
 * to the client's worker thread; {@link #packet} reads the packet it is given without releasing it and appends to
 * {@code out}, which the caller owns.
 */
final class ReplyText {
    private enum State { FIRST, COLUMNS, ROWS }

    private static final byte[] NULL = "NULL".getBytes(StandardCharsets.US_ASCII);

    private State state = State.FIRST;
    private long columnsLeft;
    private long columns;

    /** Appends the text for one reply packet (header included); {@code reply} is non-null on the reply's last one. */
    void packet(ByteBuf packet, Reply reply, ByteBuf out) {
        int payload = packet.readerIndex() + 4;
        int length = packet.readableBytes() - 4;
        int head = length > 0 ? packet.getUnsignedByte(payload) : -1;
        switch (state) {
            case FIRST -> {
                if (head != 0x00 && head != 0xFF && head != 0xFE && reply == null) {
                    columns = lenenc(packet, payload);
                    columnsLeft = columns;
                    state = State.COLUMNS;
                }
            }
            case COLUMNS -> {
                if (columnsLeft > 0) {
                    columnsLeft--;
                } else {
                    state = State.ROWS;                     // the EOF after the column definitions
                }
            }
            case ROWS -> {
                if (head == 0xFE && length < 9) {
                    state = State.FIRST;                    // the end of this result set (another may follow)
                } else if (head != 0xFF) {
                    row(packet, payload, payload + length, out);
                }
            }
        }
        if (reply != null) {
            state = State.FIRST;
            String end = reply.isError() ? "ERR " + reply.errorCode() + " " + reply.errorMessage()
                    : "OK " + reply.affectedRows();
            out.writeCharSequence(end + "\n", StandardCharsets.UTF_8);
        }
    }

    /** One text-protocol row: {@code columns} length-encoded strings, 0xFB for NULL. */
    private void row(ByteBuf packet, int i, int end, ByteBuf out) {
        for (long c = 0; c < columns && i < end; c++) {
            if (c > 0) {
                out.writeByte('\t');
            }
            if (packet.getUnsignedByte(i) == 0xFB) {
                out.writeBytes(NULL);
                i++;
                continue;
            }
            long len = lenenc(packet, i);
            i += lenencSize(packet.getUnsignedByte(i));
            int n = (int) Math.min(len, end - i);
            out.writeBytes(packet, i, n);
            i += n;
        }
        out.writeByte('\n');
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

    private static int lenencSize(int first) {
        return switch (first) {
            case 0xFC -> 3;
            case 0xFD -> 4;
            case 0xFE -> 9;
            default -> 1;
        };
    }
}
