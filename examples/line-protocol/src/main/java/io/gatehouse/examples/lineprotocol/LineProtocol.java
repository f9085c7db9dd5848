package io.gatehouse.examples.lineprotocol;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.Protocol;
import io.gatehouse.api.protocol.SessionLogin;
import io.netty.channel.Channel;

/**
 * The line protocol of one listener: gives each accepted client a {@link LineSession} handler, with the account
 * and line limit of the listener's parameters. Immutable; {@link #initChannel} runs on every worker; holds no buffers.
 */
final class LineProtocol implements Protocol {
    private final SessionLogin login;
    private final int maxLine;

    LineProtocol(Params params) {
        this.login = new SessionLogin(params.string("user"), params.string("password"),
                params.string("database"));
        this.maxLine = (int) params.size("max_line_length");
    }

    @Override
    public void initChannel(Channel channel, ClientConnection connection) {
        channel.pipeline().addLast("line-session", new LineSession(connection, login, maxLine));
    }
}
