package io.gatehouse.examples.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The reply text of the line protocol, from hand-made MariaDB packets. JUnit test thread. */
class ReplyTextTest {
    private final ReplyText text = new ReplyText();
    private final ByteBuf out = Unpooled.buffer();

    private void feed(Reply reply, int... payload) {
        ByteBuf p = Unpooled.buffer();
        p.writeMediumLE(payload.length).writeByte(1);
        for (int b : payload) {
            p.writeByte(b);
        }
        text.packet(p, reply, out);
        p.release();
    }

    private static int[] bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[b.length + 1];
        out[0] = b.length;
        for (int i = 0; i < b.length; i++) {
            out[i + 1] = b[i];
        }
        return out;
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private static Reply reply(Reply.Kind kind, long rows, long affected, int code, String message) {
        return new Reply(3, kind, kind == Reply.Kind.RESULT_SET ? 1 : 0, rows, affected, 0, 0, 2, code,
                code == 0 ? "" : "42S02", message, null, 0, 0);
    }

    @Test
    void anOkBecomesOkWithTheAffectedRows() {
        feed(reply(Reply.Kind.OK, 0, 3, 0, ""), 0x00, 3, 0, 2, 0, 0, 0);
        assertEquals("OK 3\n", out.toString(StandardCharsets.UTF_8));
        out.release();
    }

    @Test
    void anErrorBecomesErrWithCodeAndMessage() {
        feed(reply(Reply.Kind.ERROR, 0, 0, 1146, "Table 't' doesn't exist"), 0xFF, 0x7A, 0x04);
        assertEquals("ERR 1146 Table 't' doesn't exist\n", out.toString(StandardCharsets.UTF_8));
        out.release();
    }

    @Test
    void aResultSetBecomesTabSeparatedRowsThenOk() {
        feed(null, 2);                                   // two columns
        feed(null, bytes("def"));                        // column definitions: skipped whatever they hold
        feed(null, bytes("def"));
        feed(null, 0xFE, 0, 0, 2, 0);                    // EOF after the definitions
        feed(null, concat(bytes("1"), bytes("héllo")));
        feed(null, concat(bytes("2"), new int[] {0xFB}));
        feed(reply(Reply.Kind.RESULT_SET, 2, 0, 0, ""), 0xFE, 0, 0, 2, 0);
        assertEquals("1\théllo\n2\tNULL\nOK 0\n", out.toString(StandardCharsets.UTF_8));
        out.release();
    }
}
