package io.gatehouse.filters.optimistictrx;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.filter.InternalReply;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.moduletest.TestFilterContext;
import io.gatehouse.moduletest.TestPackets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The optimistictrx session's decisions without a server: which BEGINs become read-only, what it runs before the
 * first write (ROLLBACK, the original BEGIN, the reads in order), that only data (not status flags) decides a match,
 * that a changed result ends the session, and how autocommit off, a failed BEGIN and COM_RESET_CONNECTION are
 * followed. Replies are fed as the core would (packets with their kinds, then the reply's end). JUnit thread.
 */
class OptimisticTrxSessionTest {
    private static final int IN_TRANS = 0x0001;
    private static final int AUTOCOMMIT = 0x0002;
    private static final int IN_TRANS_READONLY = 0x2000;
    private static final ReplyPacketKind[] ONE_VALUE = {ReplyPacketKind.COLUMN_COUNT,
        ReplyPacketKind.COLUMN_DEFINITION, ReplyPacketKind.COLUMNS_END, ReplyPacketKind.ROW,
        ReplyPacketKind.RESULT_END};

    private final ByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;
    private final SessionSqlState sqlState = new SessionSqlState(List.of());
    private final Context context = new Context();
    private final TrxCounters counters = new TrxCounters();
    private final OptimisticTrxSession session = new OptimisticTrxSession(context, counters);
    private final List<ByteBuf> sent = new ArrayList<>();

    @AfterEach
    void release() {
        session.close();
        for (ByteBuf b : sent) {
            assertThat(b.refCnt()).as("the filter neither keeps nor releases the client's packets").isEqualTo(1);
            b.release();
        }
    }

    /** Sends {@code sql} through the filter; returns what the router would get. */
    private String query(String sql) {
        return command(TestPackets.query(alloc, sql));
    }

    private String command(ByteBuf packet) {
        Command command = new Command(packet, sqlState);
        ByteBuf replaced = session.rewriteQuery(command, alloc);
        command.replace(replaced);
        sent.add(command.packet());
        session.routeQuery(command);
        return TestPackets.commandOf(command.packet()) == 3 ? TestPackets.sqlOf(command.packet()) : null;
    }

    private void ok(int status) {
        ByteBuf p = TestPackets.ok(alloc, 1, status);
        session.replyPacket(p, ReplyPacketKind.OK).release();
        session.clientReply(TestPackets.okReply(3, status, null));
    }

    private void value(String v) {
        List<ByteBuf> packets = packets(TestPackets.oneValue(alloc, v));
        for (int i = 0; i < packets.size(); i++) {
            session.replyPacket(packets.get(i), ONE_VALUE[i]).release();
        }
        session.clientReply(TestPackets.resultSetReply(3, 1));
    }

    private static List<ByteBuf> packets(ByteBuf all) {
        List<ByteBuf> out = new ArrayList<>();
        while (all.isReadable()) {
            int len = all.getUnsignedMediumLE(all.readerIndex());
            out.add(all.readRetainedSlice(4 + len));
        }
        all.release();
        return out;
    }

    /** Answers the next statement the filter runs itself with {@code packets} of {@code kinds}. */
    private void answerInternal(List<ByteBuf> packets, ReplyPacketKind... kinds) {
        InternalReply r = context.replies.remove(0);
        for (int i = 0; i < packets.size(); i++) {
            r.packet(packets.get(i), kinds[i]);
            packets.get(i).release();
        }
        r.done();
    }

    private void internalOk(int status) {
        answerInternal(List.of(TestPackets.ok(alloc, 1, status)), ReplyPacketKind.OK);
    }

    private void internalValue(String v) {
        answerInternal(packets(TestPackets.oneValue(alloc, v)), ONE_VALUE);
    }

    @Test
    void onlyPlainBeginsBecomeReadOnly() {
        for (String begin : List.of("BEGIN", "begin work", " START   TRANSACTION ;")) {
            assertThat(query(begin)).isEqualTo("START TRANSACTION READ ONLY");
            ok(IN_TRANS | IN_TRANS_READONLY | AUTOCOMMIT);
            assertThat(query("COMMIT")).isEqualTo("COMMIT");
            ok(AUTOCOMMIT);
        }
        for (String begin : List.of("START TRANSACTION READ WRITE", "START TRANSACTION WITH CONSISTENT SNAPSHOT",
                "START TRANSACTION READ ONLY")) {
            assertThat(query(begin)).isEqualTo(begin);
            ok(IN_TRANS | AUTOCOMMIT);
            query("COMMIT");
            ok(AUTOCOMMIT);
        }
        assertThat(counters.optimistic.sum()).isEqualTo(3);
        assertThat(context.queued).isEmpty();
    }

    @Test
    void theFirstWriteRollsBackAndReplaysTheBeginAndTheReadsInOrder() {
        query("BEGIN");
        ok(IN_TRANS | IN_TRANS_READONLY | AUTOCOMMIT);
        query("SELECT a FROM t WHERE id = 1");
        value("1");
        query("SELECT b FROM t WHERE id = 2");
        value("2");
        assertThat(context.queued).isEmpty();
        assertThat(query("UPDATE t SET a = 3")).isEqualTo("UPDATE t SET a = 3");
        assertThat(context.queued).containsExactly("ROLLBACK", "BEGIN", "SELECT a FROM t WHERE id = 1",
                "SELECT b FROM t WHERE id = 2");
        internalOk(AUTOCOMMIT);
        internalOk(IN_TRANS | AUTOCOMMIT);           // other status flags than the client saw: still a match
        internalValue("1");
        internalValue("2");
        assertThat(context.closedMessage).isNull();
        assertThat(counters.replayed.sum()).isEqualTo(1);
        // The transaction now runs where writes go: nothing more is replayed until it ends.
        query("SELECT a FROM t WHERE id = 1");
        value("3");
        query("DELETE FROM t");
        ok(IN_TRANS | AUTOCOMMIT);
        query("COMMIT");
        ok(AUTOCOMMIT);
        assertThat(context.queued).hasSize(4);
    }

    @Test
    void aReadThatReturnsOtherDataWhenReplayedEndsTheSession() {
        query("START TRANSACTION");
        ok(IN_TRANS | IN_TRANS_READONLY | AUTOCOMMIT);
        query("SELECT a FROM t WHERE id = 1");
        value("1");
        query("INSERT INTO t VALUES (5)");
        internalOk(AUTOCOMMIT);
        internalOk(IN_TRANS | AUTOCOMMIT);
        internalValue("7");
        assertThat(context.closedCode).isEqualTo(1927);
        assertThat(context.closedMessage).contains("checksum mismatch").contains("statement 2");
        assertThat(counters.mismatches.sum()).isEqualTo(1);
    }

    @Test
    void aBeginThatFailedStartsNothing() {
        query("BEGIN");
        ByteBuf err = TestPackets.error(alloc, 1792, "25006", "Cannot execute statement in a READ ONLY transaction");
        session.replyPacket(err, ReplyPacketKind.ERROR).release();
        session.clientReply(TestPackets.errorReply(3, 1792, "25006", "x"));
        query("UPDATE t SET a = 1");
        assertThat(context.queued).isEmpty();
        assertThat(query("BEGIN")).isEqualTo("START TRANSACTION READ ONLY");
    }

    @Test
    void withAutocommitOffTheFilterStartsEachTransactionReadOnly() {
        query("SET autocommit = 0");
        ok(0);
        query("SELECT a FROM t");
        assertThat(context.queued).containsExactly("START TRANSACTION READ ONLY");
        internalOk(IN_TRANS | IN_TRANS_READONLY);
        value("1");
        query("UPDATE t SET a = 2");
        assertThat(context.queued).containsExactly("START TRANSACTION READ ONLY", "ROLLBACK", "SELECT a FROM t");
        internalOk(0);
        internalValue("1");
        assertThat(context.closedMessage).isNull();
        query("COMMIT");
        ok(0);
        // A transaction that writes first is the primary's from the start.
        query("UPDATE t SET a = 3");
        ok(IN_TRANS);
        query("SELECT a FROM t");
        value("3");
        query("ROLLBACK");
        ok(0);
        assertThat(context.queued).hasSize(3);
        query("SELECT a FROM t");
        assertThat(context.queued).hasSize(4).endsWith("START TRANSACTION READ ONLY");
        internalOk(IN_TRANS | IN_TRANS_READONLY);
        value("1");
        // Autocommit back on: later reads are plain reads again.
        query("SET autocommit = 1");
        assertThat(context.queued).hasSize(6);        // it changes session state: replayed first
        internalOk(0);
        internalValue("1");
        ok(AUTOCOMMIT);
        query("SELECT a FROM t");
        value("1");
        assertThat(context.queued).hasSize(6);
    }

    @Test
    void resetConnectionEndsTheWatchedTransaction() {
        query("BEGIN");
        ok(IN_TRANS | IN_TRANS_READONLY | AUTOCOMMIT);
        query("SELECT a FROM t");
        value("1");
        command(TestPackets.command(alloc, 0x1F, new byte[0]));
        ok(AUTOCOMMIT);
        query("UPDATE t SET a = 1");
        assertThat(context.queued).isEmpty();
    }

    /** Records the statements the filter runs itself (their text) and how it ended the session. */
    private static final class Context extends TestFilterContext {
        final List<String> queued = new ArrayList<>();
        final List<InternalReply> replies = new ArrayList<>();

        @Override
        public void runBefore(ByteBuf packet, InternalReply reply) {
            queued.add(TestPackets.sqlOf(packet));
            replies.add(reply);
            packet.release();
        }
    }
}
