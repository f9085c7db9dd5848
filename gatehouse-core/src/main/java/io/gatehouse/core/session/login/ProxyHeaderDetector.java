package io.gatehouse.core.session.login;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;

/**
 * Sits in front of the session of a client from a trusted network ({@code proxy_protocol_networks}) and looks at
 * its first bytes: a PROXY protocol header (v1 text or v2 binary) hands the stream to Netty's decoder, whose
 * message the session takes as the client's real address; anything else is the MariaDB handshake and passes on
 * untouched. Either way this handler then leaves the pipeline. Runs on the client's worker; it owns the bytes it
 * holds back until it passes them on.
 */
public final class ProxyHeaderDetector extends ChannelInboundHandlerAdapter {
    private ByteBuf held;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (held != null) {
            ByteBuf joined = ctx.alloc().buffer(held.readableBytes() + in.readableBytes());
            joined.writeBytes(held).writeBytes(in);
            held.release();
            in.release();
            in = joined;
            held = null;
        }
        ProtocolDetectionResult<HAProxyProtocolVersion> r = HAProxyMessageDecoder.detectProtocol(in);
        if (r.state() == ProtocolDetectionState.NEEDS_MORE_DATA && in.readableBytes() < 16) {
            held = in;
            return;
        }
        if (r.state() == ProtocolDetectionState.DETECTED) {
            ctx.pipeline().replace(this, "proxy-header", new HAProxyMessageDecoder());
        } else {
            ctx.pipeline().remove(this);
        }
        ctx.pipeline().fireChannelRead(in);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
