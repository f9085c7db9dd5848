package io.gatehouse.core.session.backend;

import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A listener's {@code connection_init_sql_file} run on one backend connection right after it logged in (new, or
 * taken from the pool for a new session): each statement is sent as a COM_QUERY and must answer OK before the next;
 * an error or a result set closes the connection with a message naming the statement, as MaxScale does. Only then
 * does the session get the connection, with the server's login OK that this object keeps retained meanwhile. Runs on
 * the connection's worker; reply packets stay the caller's.
 */
final class BackendInitSql {
    private final BackendConnection c;
    private final List<String> statements;
    private final long capabilities;
    private ByteBuf loginOk;
    private int next;

    BackendInitSql(BackendConnection c, List<String> statements, ByteBuf retainedLoginOk, long capabilities) {
        this.c = c;
        this.statements = statements;
        this.loginOk = retainedLoginOk;
        this.capabilities = capabilities;
    }

    /** Sends the first statement. */
    void start() {
        send();
    }

    /** One reply packet (header included, still the caller's) to the statement last sent. */
    void onReply(ByteBuf packet) {
        ByteBuf payload = packet.slice(packet.readerIndex() + Packets.HEADER_SIZE,
                packet.readableBytes() - Packets.HEADER_SIZE);
        int first = payload.isReadable() ? payload.getUnsignedByte(payload.readerIndex()) : -1;
        String sql = statements.get(next - 1);
        if (first == 0xFF) {
            var err = io.gatehouse.protocol.ErrPacket.decode(payload);
            c.fail("connection_init_sql_file: '" + sql + "' failed on " + c.server() + ": " + err.message());
            return;
        }
        if (first != 0x00) {
            c.fail("connection_init_sql_file: '" + sql + "' returned rows on " + c.server()
                    + " (expected: statements that return no data)");
            return;
        }
        if (next < statements.size()) {
            send();
            return;
        }
        ByteBuf ok = loginOk;
        loginOk = null;
        c.ready(ok, capabilities);
    }

    private void send() {
        Channel ch = c.channel();
        byte[] sql = statements.get(next++).getBytes(StandardCharsets.UTF_8);
        ByteBuf body = ch.alloc().buffer(1 + sql.length);
        body.writeByte(0x03);
        body.writeBytes(sql);
        ch.writeAndFlush(Packets.frame(ch.alloc(), 0, body));
    }

    /** Lets go of the kept login OK when the connection ends before the statements did. */
    void release() {
        if (loginOk != null) {
            loginOk.release();
            loginOk = null;
        }
    }
}
