package io.gatehouse.routers.schemarouter;

import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.TextRow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * The query that asks one server, as the client's user, which databases and tables it holds, and the reader of its
 * answer. One per server per mapping, on the session's worker; it owns the reply bytes it is given until
 * {@link #rows} has read them or {@link #release} drops them.
 */
final class MappingQuery {
    /** Every table as (database, table) and every database as (database, ''), so empty databases are mapped too. */
    static final String SQL = "SELECT table_schema, table_name FROM information_schema.tables"
            + " UNION ALL SELECT schema_name, '' FROM information_schema.schemata";

    private CompositeByteBuf answer;

    /** The COM_QUERY packet (owned by the caller). */
    static ByteBuf packet(ByteBufAllocator alloc) {
        byte[] text = SQL.getBytes(StandardCharsets.US_ASCII);
        ByteBuf p = alloc.buffer(5 + text.length);
        p.writeMediumLE(1 + text.length).writeByte(0).writeByte(Commands.COM_QUERY).writeBytes(text);
        return p;
    }

    /** Takes one chunk of the reply (owned by this object from now on). */
    void collect(ByteBufAllocator alloc, ByteBuf chunk) {
        if (answer == null) {
            answer = alloc.compositeBuffer(Integer.MAX_VALUE);
        }
        answer.addComponent(true, chunk);
    }

    /**
     * Gives each (database, table) row of a complete result-set reply to {@code row} and releases the bytes. Rows
     * are text rows of two columns: the packets after the column count, the column definitions and (without
     * DEPRECATE_EOF) the EOF, up to the final EOF or OK packet.
     */
    void rows(long capabilities, BiConsumer<String, String> row) {
        if (answer == null) {
            return;
        }
        try {
            int skip = 1 + 2 + ((capabilities & Capabilities.DEPRECATE_EOF) != 0 ? 0 : 1);
            int i = answer.readerIndex();
            for (int n = 0; i + 4 <= answer.writerIndex(); n++) {
                int len = answer.getUnsignedMediumLE(i);
                if (i + 4 + len > answer.writerIndex()) {
                    return;
                }
                if (n >= skip) {
                    int first = len == 0 ? -1 : answer.getUnsignedByte(i + 4);
                    if (first == 0xFF || (first == 0xFE && len < 9)) {
                        return;
                    }
                    String[] v = TextRow.decode(answer.slice(i + 4, len), 2, StandardCharsets.UTF_8);
                    if (v[0] != null && !v[0].isEmpty()) {
                        row.accept(v[0], v[1] == null ? "" : v[1]);
                    }
                }
                i += 4 + len;
            }
        } finally {
            release();
        }
    }

    void release() {
        if (answer != null) {
            answer.release();
            answer = null;
        }
    }
}
