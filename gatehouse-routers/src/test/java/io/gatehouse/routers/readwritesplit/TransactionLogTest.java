package io.gatehouse.routers.readwritesplit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The checksums transaction replay compares: a result set's rows count, however the reply bytes are split into
 * chunks; its column definitions (which a server may leave out for a client that caches metadata) and the status
 * flags of its EOF do not; OK replies count by affected rows and insert id as {@code transaction_replay_checksum}
 * says. The test thread; heap buffers it releases itself.
 */
class TransactionLogTest {
    private static final Reply RESULT = new Reply(3, Reply.Kind.RESULT_SET, 1, 2, 0, 0, 0, 2, 0, "", "", null, 0, 0);

    private static byte[] packet(int seq, byte[] payload) {
        byte[] p = new byte[4 + payload.length];
        p[0] = (byte) payload.length;
        p[1] = (byte) (payload.length >> 8);
        p[2] = (byte) (payload.length >> 16);
        p[3] = (byte) seq;
        System.arraycopy(payload, 0, p, 4, payload.length);
        return p;
    }

    private static byte[] row(String v) {
        byte[] t = v.getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[1 + t.length];
        p[0] = (byte) t.length;
        System.arraycopy(t, 0, p, 1, t.length);
        return p;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A one-column result set: count, definition (unless skipped), EOF, two rows, EOF with {@code status}. */
    private static byte[] resultSet(boolean withDefinition, int status, String a, String b) {
        byte[] def = concat(new byte[] {3, 'd', 'e', 'f'}, new byte[] {0, 0, 0, 1, 'c', 0, 0x0c, 8, 0, 0, 0, 0, 0,
                (byte) 0xfd, 0, 0, 0, 0});
        byte[] eof = {(byte) 0xfe, 0, 0, (byte) status, 0};
        return withDefinition
                ? concat(packet(1, new byte[] {1}), packet(2, def), packet(3, eof), packet(4, row(a)),
                        packet(5, row(b)), packet(6, eof))
                : concat(packet(1, new byte[] {1, 0}), packet(2, row(a)), packet(3, row(b)), packet(4, eof));
    }

    private static long checksum(TransactionLog log, byte[] bytes, int chunk, Reply r) {
        log.replyStarts();
        for (int i = 0; i < bytes.length; i += chunk) {
            ByteBuf b = Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i));
            log.replyBytes(b);
            b.release();
        }
        return log.replyDone(r);
    }

    @Test
    void rowsCountWhateverTheChunksAndTheMetadata() {
        TransactionLog log = new TransactionLog(1 << 20, "full");
        long whole = checksum(log, resultSet(true, 2, "x", "y"), Integer.MAX_VALUE, RESULT);
        byte[] bytes = resultSet(true, 3, "x", "y");
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            assertThat(checksum(log, bytes, chunk, RESULT)).as("chunks of %d bytes", chunk).isEqualTo(whole);
        }
        assertThat(checksum(log, resultSet(false, 2, "x", "y"), 3, RESULT)).isEqualTo(whole);
        assertThat(checksum(log, resultSet(true, 2, "x", "z"), 5, RESULT)).isNotEqualTo(whole);
        assertThat(checksum(log, resultSet(true, 2, "y", "x"), 5, RESULT)).isNotEqualTo(whole);
    }

    @Test
    void okRepliesCountAsTheChecksumModeSays() {
        Reply a = new Reply(3, Reply.Kind.OK, 0, 0, 1, 7, 0, 2, 0, "", "", null, 0, 0);
        Reply b = new Reply(3, Reply.Kind.OK, 0, 0, 1, 8, 1, 3, 0, "", "", null, 0, 0);
        Reply c = new Reply(3, Reply.Kind.OK, 0, 0, 2, 7, 0, 2, 0, "", "", null, 0, 0);
        TransactionLog full = new TransactionLog(1 << 20, "full");
        assertThat(full.replyDone(a)).isNotEqualTo(full.replyDone(b)).isNotEqualTo(full.replyDone(c));
        TransactionLog noInsertId = new TransactionLog(1 << 20, "no_insert_id");
        assertThat(noInsertId.replyDone(a)).isEqualTo(noInsertId.replyDone(b)).isNotEqualTo(noInsertId.replyDone(c));
        TransactionLog resultOnly = new TransactionLog(1 << 20, "result_only");
        assertThat(resultOnly.replyDone(a)).isEqualTo(resultOnly.replyDone(c));
    }

    @Test
    void aTransactionLargerThanTheLimitIsNotKept() {
        TransactionLog log = new TransactionLog(20, "full");
        ByteBuf stmt = Unpooled.wrappedBuffer(packet(0, "\u0003INSERT INTO t VALUES (1)".getBytes(StandardCharsets.US_ASCII)));
        log.add(stmt, 3, 1, true);
        stmt.release();
        assertThat(log.replayable()).isFalse();
        assertThat(log.entries()).isEmpty();
        assertThat(log.wrote()).isTrue();
        log.clear();
        assertThat(log.replayable()).isTrue();
    }
}
