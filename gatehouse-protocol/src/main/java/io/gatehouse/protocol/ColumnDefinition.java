package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * One column definition packet of a result set (protocol 4.1 form), with MariaDB's extended type information when
 * MARIADB_CLIENT_EXTENDED_METADATA is on. An immutable value; decoding leaves the caller's buffer indices unchanged
 * and never releases it, encoding writes into a buffer the caller owns.
 *
 * @param catalog          always {@code def}
 * @param table            the table alias
 * @param orgTable         the real table name
 * @param name             the column alias (what clients show)
 * @param orgName          the real column name
 * @param charset          collation id (63 = binary)
 * @param length           maximum display length
 * @param type             field type, see {@link ColumnTypes}
 * @param flags            column flags (NOT_NULL = 1, PRI_KEY = 2, UNSIGNED = 32, BINARY = 128 ...)
 * @param extendedTypeName MariaDB's extended type name (e.g. {@code json}, {@code uuid}) or null
 * @param extendedFormat   MariaDB's extended format name or null
 */
public record ColumnDefinition(String catalog, String schema, String table, String orgTable, String name,
                               String orgName, int charset, long length, int type, int flags, int decimals,
                               String extendedTypeName, String extendedFormat) {
    /** Length of the fixed-size block that follows the names. */
    private static final int FIXED_LENGTH = 12;

    /** A definition without MariaDB extended metadata. */
    public ColumnDefinition(String catalog, String schema, String table, String orgTable, String name,
                            String orgName, int charset, long length, int type, int flags, int decimals) {
        this(catalog, schema, table, orgTable, name, orgName, charset, length, type, flags, decimals, null, null);
    }

    /** Decodes one column definition payload (no header); {@code capabilities} are those agreed for the link. */
    public static ColumnDefinition decode(ByteBuf payload, long capabilities) {
        ByteBuf b = payload.duplicate();
        String catalog = name(b, "column.catalog");
        String schema = name(b, "column.schema");
        String table = name(b, "column.table");
        String orgTable = name(b, "column.orgTable");
        String name = name(b, "column.name");
        String orgName = name(b, "column.orgName");
        String extType = null;
        String extFormat = null;
        if ((capabilities & Capabilities.MARIADB_CLIENT_EXTENDED_METADATA) != 0) {
            byte[] ext = LenEnc.readBytes(b, "column.extendedMetadata");
            if (ext != null && ext.length > 0) {
                ByteBuf e = Unpooled.wrappedBuffer(ext);
                try {
                    while (e.isReadable()) {
                        int kind = e.readUnsignedByte();
                        String value = LenEnc.readString(e, UTF_8, "column.extendedMetadata.value");
                        if (kind == 0) {
                            extType = value;
                        } else if (kind == 1) {
                            extFormat = value;
                        }
                    }
                } finally {
                    e.release();
                }
            }
        }
        long fixed = LenEnc.readInt(b, "column.fixedLength");
        if (fixed < FIXED_LENGTH) {
            throw ProtocolException.field("column.fixedLength", fixed, ">= " + FIXED_LENGTH);
        }
        LenEnc.need(b, FIXED_LENGTH - 2, "column.fixedFields");
        int charset = b.readUnsignedShortLE();
        long length = b.readUnsignedIntLE();
        int type = b.readUnsignedByte();
        int flags = b.readUnsignedShortLE();
        int decimals = b.readUnsignedByte();
        return new ColumnDefinition(catalog, schema, table, orgTable, name, orgName, charset, length, type, flags,
                decimals, extType, extFormat);
    }

    private static String name(ByteBuf b, String field) {
        String s = LenEnc.readString(b, UTF_8, field);
        return s == null ? "" : s;
    }

    /** Writes the payload (no header); extended metadata only when the capability is on. */
    public void encode(ByteBuf out, long capabilities) {
        LenEnc.writeString(out, catalog == null ? "def" : catalog, UTF_8);
        LenEnc.writeString(out, schema, UTF_8);
        LenEnc.writeString(out, table, UTF_8);
        LenEnc.writeString(out, orgTable, UTF_8);
        LenEnc.writeString(out, name, UTF_8);
        LenEnc.writeString(out, orgName, UTF_8);
        if ((capabilities & Capabilities.MARIADB_CLIENT_EXTENDED_METADATA) != 0) {
            ByteBuf ext = out.alloc().heapBuffer();
            try {
                if (extendedTypeName != null) {
                    ext.writeByte(0);
                    LenEnc.writeString(ext, extendedTypeName, UTF_8);
                }
                if (extendedFormat != null) {
                    ext.writeByte(1);
                    LenEnc.writeString(ext, extendedFormat, UTF_8);
                }
                LenEnc.writeInt(out, ext.readableBytes());
                out.writeBytes(ext);
            } finally {
                ext.release();
            }
        }
        out.writeByte(FIXED_LENGTH);
        out.writeShortLE(charset);
        out.writeIntLE((int) length);
        out.writeByte(type);
        out.writeShortLE(flags);
        out.writeByte(decimals);
        out.writeZero(2);
    }

    /** A complete packet (header included) for this definition; the caller owns it. */
    public ByteBuf write(ByteBufAllocator alloc, int sequence, long capabilities) {
        ByteBuf payload = alloc.buffer();
        try {
            encode(payload, capabilities);
        } catch (RuntimeException e) {
            payload.release();
            throw e;
        }
        return Packets.frame(alloc, sequence, payload);
    }

    /** A plain text column (VAR_STRING, utf8mb4) named {@code name}, as a proxy reports its own result sets. */
    public static ColumnDefinition text(String name) {
        return new ColumnDefinition("def", "", "", "", name, name, 45, 1024, ColumnTypes.VAR_STRING, 0, 0);
    }

    @Override
    public String toString() {
        return "ColumnDefinition[" + (schema.isEmpty() ? "" : schema + ".") + (table.isEmpty() ? "" : table + ".")
                + name + ", type=" + ColumnTypes.name(type) + ", charset=" + charset + ", length=" + length
                + ", flags=" + flags + ", decimals=" + decimals
                + (extendedTypeName == null ? "" : ", extendedType=" + extendedTypeName)
                + (extendedFormat == null ? "" : ", extendedFormat=" + extendedFormat) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnDefinition c && charset == c.charset && length == c.length && type == c.type
                && flags == c.flags && decimals == c.decimals && Objects.equals(catalog, c.catalog)
                && Objects.equals(schema, c.schema) && Objects.equals(table, c.table)
                && Objects.equals(orgTable, c.orgTable) && Objects.equals(name, c.name)
                && Objects.equals(orgName, c.orgName) && Objects.equals(extendedTypeName, c.extendedTypeName)
                && Objects.equals(extendedFormat, c.extendedFormat);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, table, name, type);
    }
}
