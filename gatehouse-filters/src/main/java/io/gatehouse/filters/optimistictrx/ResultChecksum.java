package io.gatehouse.filters.optimistictrx;

import io.gatehouse.api.filter.ReplyPacketKind;
import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A checksum of what one statement returned: the kinds of its reply packets in order, plus the contents of the
 * ones that carry data (column counts and definitions, rows, errors and other answers). The packets that carry
 * the server's status flags (OK, EOF, the end of a result set) count only by their kind, since those flags differ
 * between a read-only transaction on a replica and the same transaction on the primary while the data does not.
 * Confined to one session's thread; it reads the packets it is shown (header included, by absolute index) and
 * keeps none.
 */
final class ResultChecksum {
    private static final int HEADER = 4;
    private final MessageDigest digest;
    private byte[] value;

    ResultChecksum() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    void add(ByteBuf packet, ReplyPacketKind kind) {
        digest.update((byte) kind.ordinal());
        switch (kind) {
            case OK, COLUMNS_END, RESULT_END -> {
            }
            default -> {
                int from = packet.readerIndex() + HEADER;
                int len = packet.writerIndex() - from;
                if (len > 0) {
                    digest.update(packet.nioBuffer(from, len));
                }
            }
        }
    }

    /** The checksum; no packet may be added after the first call. */
    byte[] value() {
        if (value == null) {
            value = digest.digest();
        }
        return value;
    }

    boolean matches(ResultChecksum other) {
        return Arrays.equals(value(), other.value());
    }
}
