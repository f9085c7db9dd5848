package io.gatehouse.examples.lineprotocol;

import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.ServiceSession;
import io.gatehouse.api.protocol.ServiceSessionListener;
import io.gatehouse.api.protocol.SessionLogin;
import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * One line-protocol client: cuts what it sends into lines, writes each non-empty line as a COM_QUERY into its
 * session of the listener's service, and writes the answers back as text ({@link ReplyText}). Runs on the client
 * channel's worker event loop, as its service session does. It owns the bytes the channel reads until it has cut
 * them into statements (released here) and each reply packet the session hands it (released after reading).
 */
final class LineSession extends ChannelInboundHandlerAdapter implements ServiceSessionListener {
    private static final int COM_QUERY = 3;

    private final ClientConnection connection;
    private final SessionLogin login;
    private final int maxLine;
    private final ReplyText text = new ReplyText();
    private ChannelHandlerContext ctx;
    private ServiceSession session;
    /** Bytes of a line not yet ended by '\n'; null when none. */
    private ByteBuf partial;
    /** The connection is ending: what the client sends now is dropped. */
    private boolean closing;

    LineSession(ClientConnection connection, SessionLogin login, int maxLine) {
        this.connection = connection;
        this.login = login;
        this.maxLine = maxLine;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        session = connection.openSession(login, this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (closing) {
            in.release();
            return;
        }
        try {
            if (partial != null) {
                partial.writeBytes(in);
            } else {
                partial = ctx.alloc().buffer(in.readableBytes()).writeBytes(in);
            }
        } finally {
            in.release();
        }
        int eol;
        while (!closing && (eol = partial.indexOf(partial.readerIndex(), partial.writerIndex(), (byte) '\n')) >= 0) {
            int end = eol > partial.readerIndex() && partial.getByte(eol - 1) == '\r' ? eol - 1 : eol;
            statement(partial, partial.readerIndex(), end - partial.readerIndex());
            partial.readerIndex(eol + 1);
        }
        if (!closing && partial.readableBytes() > maxLine) {
            refuse("ERR 1153 line longer than max_line_length (" + maxLine + " bytes)");
            return;
        }
        partial.discardReadBytes();
    }

    /** Sends one line as a COM_QUERY (a packet of its own: header, command byte, the statement text). */
    private void statement(ByteBuf from, int at, int length) {
        if (length == 0) {
            return;
        }
        if (length > maxLine) {
            refuse("ERR 1153 line longer than max_line_length (" + maxLine + " bytes)");
            return;
        }
        ByteBuf packet = ctx.alloc().buffer(5 + length);
        packet.writeMediumLE(length + 1).writeByte(0).writeByte(COM_QUERY).writeBytes(from, at, length);
        session.write(packet, COM_QUERY);
    }

    private void refuse(String line) {
        if (closing) {
            return;
        }
        closing = true;
        if (session != null) {
            session.close();
            session = null;
        }
        ctx.writeAndFlush(ctx.alloc().buffer().writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (partial != null) {
            partial.release();
            partial = null;
        }
        // The core closes the connection's sessions with the channel.
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null) {
            session.readReplies(ctx.channel().isWritable());    // hold the backends while the client lags
        }
        ctx.fireChannelWritabilityChanged();
    }

    // ServiceSessionListener.

    @Override
    public void ready(ServiceSession s) {
    }

    @Override
    public void packet(ServiceSession s, ByteBuf packet, Reply reply) {
        ByteBuf out = ctx.alloc().buffer();
        try {
            text.packet(packet, reply, out);
        } finally {
            packet.release();
        }
        if (!out.isReadable()) {
            out.release();
        } else if (reply != null) {
            ctx.writeAndFlush(out, ctx.voidPromise());
        } else {
            ctx.write(out, ctx.voidPromise());
        }
        if (!ctx.channel().isWritable()) {
            s.readReplies(false);
        }
    }

    @Override
    public void failed(ServiceSession s, int code, String sqlState, String message) {
        session = null;
        refuse("ERR " + code + " " + message);
    }
}
