package io.gatehouse.filters.masking;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The columns of one result set as the masking filter sees them (each column's wire type and the rule that masks
 * it, if any) and the walk over its rows, text or binary, that masks their values in place. Built from the column
 * definitions on the session's worker thread and used there; it never keeps the packets it reads or writes.
 */
final class RowMasker {
    /** MySQL/MariaDB column type codes of the binary row format. */
    private static final int TINY = 1, SHORT = 2, LONG = 3, FLOAT = 4, DOUBLE = 5, NULL = 6,
            TIMESTAMP = 7, LONGLONG = 8, INT24 = 9, DATE = 10, TIME = 11, DATETIME = 12, YEAR = 13, VARCHAR = 15,
            JSON = 245, ENUM = 247, SET = 248, TINY_BLOB = 249, MEDIUM_BLOB = 250,
            LONG_BLOB = 251, BLOB = 252, VAR_STRING = 253, STRING = 254, GEOMETRY = 255;

    private final int[] types;
    private final MaskingRules.Rule[] rules;
    private final boolean any;

    private RowMasker(int[] types, MaskingRules.Rule[] rules) {
        this.types = types;
        this.rules = rules;
        boolean a = false;
        for (MaskingRules.Rule r : rules) {
            a |= r != null;
        }
        this.any = a;
    }

    /** True when some column of the result set is masked. */
    boolean masksAny() {
        return any;
    }

    /** The names a column definition packet (header included) gives: schema, original table and original column. */
    record ColumnDef(String schema, String orgTable, String orgName, int type) {
        static ColumnDef read(ByteBuf packet) {
            ByteBuf p = packet.duplicate();
            int end = p.writerIndex();
            p.skipBytes(4);
            skipLenEnc(p);                  // catalog
            String schema = lenEncString(p);
            skipLenEnc(p);                  // table alias
            String orgTable = lenEncString(p);
            skipLenEnc(p);                  // column alias
            String orgName = lenEncString(p);
            // The fixed part is the last 12 bytes (MariaDB's extended metadata, when sent, comes before it):
            // charset(2) length(4) type(1) flags(2) decimals(1) filler(2).
            int type = end - 12 >= p.readerIndex() ? packet.getUnsignedByte(end - 6) : STRING;
            return new ColumnDef(schema, orgTable, orgName, type);
        }
    }

    /**
     * The plan for a result set with these columns: a column is masked by the first rule that names it; a masked
     * column of a non-string type is left alone and reported to {@code mismatch} (for warn_type_mismatch).
     */
    static RowMasker plan(List<ColumnDef> columns, List<MaskingRules.Rule> sessionRules, List<String> mismatch) {
        int[] types = new int[columns.size()];
        MaskingRules.Rule[] rules = new MaskingRules.Rule[columns.size()];
        for (int i = 0; i < types.length; i++) {
            ColumnDef c = columns.get(i);
            types[i] = c.type();
            for (MaskingRules.Rule r : sessionRules) {
                if (r.matchesColumn(c.orgName(), c.orgTable(), c.schema())) {
                    if (isString(c.type())) {
                        rules[i] = r;
                    } else {
                        mismatch.add(c.orgName());
                    }
                    break;
                }
            }
        }
        return new RowMasker(types, rules);
    }

    static boolean isString(int type) {
        return switch (type) {
            case VARCHAR, VAR_STRING, STRING, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB, BLOB, ENUM, SET, JSON -> true;
            default -> false;
        };
    }

    /** Masks a text-protocol row (header included): each value is a length-encoded string, or 0xFB for NULL. */
    void maskTextRow(ByteBuf row) {
        int at = row.readerIndex() + 4;
        int end = row.writerIndex();
        for (int i = 0; i < rules.length && at < end; i++) {
            int first = row.getUnsignedByte(at);
            if (first == 0xFB) {
                at++;
                continue;
            }
            long[] len = lenEnc(row, at);
            at += (int) len[1];
            if (at + len[0] > end) {
                return;                     // malformed or cut: leave the rest as it is
            }
            if (rules[i] != null) {
                ValueMasker.mask(row, at, (int) len[0], rules[i]);
            }
            at += (int) len[0];
        }
    }

    /** Masks a binary-protocol row (header included): 0x00, the NULL bitmap (offset 2), then the non-NULL values. */
    void maskBinaryRow(ByteBuf row) {
        int base = row.readerIndex() + 4;
        int end = row.writerIndex();
        int bitmap = base + 1;
        int at = bitmap + (types.length + 7 + 2) / 8;
        for (int i = 0; i < types.length && at <= end; i++) {
            int bit = i + 2;
            if (bitmap + bit / 8 < end && (row.getUnsignedByte(bitmap + bit / 8) & (1 << (bit % 8))) != 0) {
                continue;
            }
            int size = fixedSize(types[i]);
            if (size >= 0) {
                at += size;
                continue;
            }
            if (size == -2) {               // temporal: a one-byte length, then that many bytes
                if (at >= end) {
                    return;
                }
                at += 1 + row.getUnsignedByte(at);
                continue;
            }
            if (at >= end) {
                return;
            }
            long[] len = lenEnc(row, at);
            at += (int) len[1];
            if (at + len[0] > end) {
                return;
            }
            if (rules[i] != null) {
                ValueMasker.mask(row, at, (int) len[0], rules[i]);
            }
            at += (int) len[0];
        }
    }

    /** The byte size of a binary value of {@code type}: a fixed size, -2 for temporal, -1 for length-encoded. */
    private static int fixedSize(int type) {
        return switch (type) {
            case TINY -> 1;
            case SHORT, YEAR -> 2;
            case LONG, INT24, FLOAT -> 4;
            case DOUBLE, LONGLONG -> 8;
            case NULL -> 0;
            case DATE, DATETIME, TIMESTAMP, TIME -> -2;
            default -> -1;                  // DECIMAL, NEWDECIMAL, BIT, strings, blobs, GEOMETRY
        };
    }

    /** {value, bytes the length prefix takes} of the length-encoded integer at {@code at}. */
    private static long[] lenEnc(ByteBuf b, int at) {
        int first = b.getUnsignedByte(at);
        if (first < 0xFB) {
            return new long[] {first, 1};
        }
        if (first == 0xFC && at + 3 <= b.writerIndex()) {
            return new long[] {b.getUnsignedShortLE(at + 1), 3};
        }
        if (first == 0xFD && at + 4 <= b.writerIndex()) {
            return new long[] {b.getUnsignedMediumLE(at + 1), 4};
        }
        if (first == 0xFE && at + 9 <= b.writerIndex()) {
            return new long[] {b.getLongLE(at + 1), 9};
        }
        return new long[] {Long.MAX_VALUE / 2, 1};  // malformed: callers stop at the bounds check
    }

    private static void skipLenEnc(ByteBuf p) {
        if (!p.isReadable()) {
            return;
        }
        long[] len = lenEnc(p, p.readerIndex());
        p.readerIndex((int) Math.min(p.writerIndex(), p.readerIndex() + len[1] + len[0]));
    }

    private static String lenEncString(ByteBuf p) {
        if (!p.isReadable()) {
            return "";
        }
        long[] len = lenEnc(p, p.readerIndex());
        int from = p.readerIndex() + (int) len[1];
        int n = (int) Math.max(0, Math.min(len[0], p.writerIndex() - from));
        String s = p.toString(from, n, StandardCharsets.UTF_8);
        p.readerIndex(from + n);
        return s;
    }
}
