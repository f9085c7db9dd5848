package io.gatehouse.protocols.nosql;

import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.ServiceSession;
import io.gatehouse.api.protocol.ServiceSessionListener;
import io.gatehouse.api.protocol.SessionLogin;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.protocols.nosql.sql.SqlResult;
import io.gatehouse.protocols.nosql.sql.SqlRunner;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Statements of one MongoDB client as COM_QUERY packets in a session of the listener's service, logged in as one
 * MariaDB user (the client's, or {@code authentication_user} for the shared accounts). Runs on the client channel's
 * event loop, as the session's callbacks do, so its futures complete there. The packets it writes are owned by the
 * session from then on; it releases each reply packet once read.
 */
final class ServiceSql implements SqlRunner, ServiceSessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceSql.class);
    private static final int COM_QUERY = 3;
    private static final int MAX_PAYLOAD = 0xFFFFFF;

    private final ClientConnection connection;
    private final Channel channel;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private ServiceSession session;
    /** Who the next session logs in as. */
    private SessionLogin login;

    private record Pending(CompletableFuture<SqlResult> result, ResultCollector collector) {
    }

    ServiceSql(ClientConnection connection, SessionLogin login) {
        this.connection = connection;
        this.channel = connection.channel();
        this.login = login;
    }

    /**
     * Later statements run as {@code next}. Commands run one at a time and the SASL commands send no SQL, so no
     * statement is in flight in the old session, which ends here.
     */
    void login(SessionLogin next) {
        login = next;
        if (session != null) {
            ServiceSession old = session;
            session = null;
            old.close();
        }
    }

    /** Stops or resumes reading replies, as the client's channel can take more or not. */
    void readReplies(boolean read) {
        if (session != null) {
            session.readReplies(read);
        }
    }

    @Override
    public CompletableFuture<SqlResult> run(String sql) {
        if (session == null) {
            // Opened on the first statement, and again after one ended (a refused login, a lost primary): a MongoDB
            // client keeps its connection for long, and the handshake commands need no session.
            session = connection.openSession(login, this);
        }
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        int payload = text.length + 1;
        ByteBuf packet = channel.alloc().buffer(payload + 4 * (payload / MAX_PAYLOAD + 1));
        // A statement of 16 MiB or more goes as several packets of one command, the last one shorter than the maximum.
        int seq = 0;
        int at = -1;
        do {
            int chunk = Math.min(MAX_PAYLOAD, payload - (at + 1));
            packet.writeMediumLE(chunk).writeByte(seq++);
            if (at < 0) {
                packet.writeByte(COM_QUERY).writeBytes(text, 0, chunk - 1);
            } else {
                packet.writeBytes(text, at, chunk);
            }
            at += chunk;
            if (chunk < MAX_PAYLOAD) {
                break;
            }
        } while (true);
        Pending p = new Pending(new CompletableFuture<>(), new ResultCollector());
        pending.add(p);
        session.write(packet, COM_QUERY);
        return p.result();
    }

    @Override
    public void ready(ServiceSession s) {
    }

    @Override
    public void packet(ServiceSession s, ByteBuf packet, Reply reply) {
        try {
            Pending p = pending.peek();
            if (p == null) {
                return;
            }
            SqlResult result = p.collector().packet(packet, reply);
            if (result != null) {
                pending.poll();
                p.result().complete(result);
            }
        } finally {
            packet.release();
        }
        if (!channel.isWritable()) {
            s.readReplies(false);
        }
    }

    @Override
    public void failed(ServiceSession s, int code, String sqlState, String message) {
        if (session == s) {
            session = null;
        }
        String why = "MariaDB error " + code + " (" + sqlState + "): " + message;
        LOG.warn("nosqlprotocol: a service session of {} ({}) ended: {}", connection.remote(), login.user(), why);
        NosqlException e = new NosqlException(NosqlException.INTERNAL_ERROR, "InternalError", why);
        Pending p;
        while ((p = pending.poll()) != null) {
            p.result().completeExceptionally(e);
        }
    }
}
