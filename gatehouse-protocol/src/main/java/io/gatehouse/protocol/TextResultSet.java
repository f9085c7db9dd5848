package io.gatehouse.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a result set of text columns that Gatehouse answers itself (schemarouter's SHOW DATABASES and SHOW SHARDS,
 * readwritesplit's EXPLAIN ROUTE), shaped for the client's capabilities (with or without EOF packets). Stateless,
 * any thread; the returned buffer belongs to the caller.
 */
public final class TextResultSet {
    private TextResultSet() {
    }

    /** One complete result set, sequence numbers from 1, ending with {@code status} as the server status. */
    public static ByteBuf write(ByteBufAllocator alloc, long clientCapabilities, List<String> columns,
                         List<List<String>> rows, int status) {
        boolean deprecateEof = (clientCapabilities & Capabilities.DEPRECATE_EOF) != 0;
        CompositeByteBuf out = alloc.compositeBuffer(Math.max(16, columns.size() + rows.size() + 3));
        try {
            int seq = 1;
            ByteBuf count = alloc.buffer(Packets.HEADER_SIZE + LenEnc.sizeOf(columns.size()));
            Packets.writeHeader(count, LenEnc.sizeOf(columns.size()), seq++);
            LenEnc.writeInt(count, columns.size());
            out.addComponent(true, count);
            for (String c : columns) {
                out.addComponent(true, ColumnDefinition.text(c).write(alloc, seq++ & 0xFF, clientCapabilities));
            }
            if (!deprecateEof) {
                out.addComponent(true, EofPacket.write(alloc, seq++ & 0xFF, 0, status));
            }
            for (List<String> row : rows) {
                out.addComponent(true, TextRow.write(alloc, seq++ & 0xFF, row, StandardCharsets.UTF_8));
            }
            out.addComponent(true, deprecateEof ? OkPacket.writeEofForm(alloc, seq & 0xFF, 0, status)
                    : EofPacket.write(alloc, seq & 0xFF, 0, status));
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
