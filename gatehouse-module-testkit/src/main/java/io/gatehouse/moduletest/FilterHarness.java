package io.gatehouse.moduletest;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.ReplyOrigin;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one filter session the way Gatehouse's core does, against scripted client commands and scripted replies,
 * without a server or a network. Single-threaded (the test's thread plays the session's worker). It owns every
 * packet it sends and checks on {@link #close()} that the filter released or returned each buffer it was given.
 */
public final class FilterHarness implements AutoCloseable {
    private final Filter filter;
    private final FilterSession session;
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    private final List<ByteBuf> routed = new ArrayList<>();
    /** No server: statements are read under every sql_mode and for any version, as before a session's first login. */
    private final SessionSqlState sqlState = new SessionSqlState(List.of());

    /** What reached the router for one command: the (possibly rewritten) packet and the attached hints. */
    public record Routed(ByteBuf packet, List<RouteHint> hints) {
        /** The statement text of the routed packet. */
        public String sql() {
            return TestPackets.sqlOf(packet);
        }
    }

    private FilterHarness(Filter filter, ClientInfo client) {
        this.filter = filter;
        this.session = filter.newSession(client);
    }

    /**
     * Creates the filter of a section named {@code section} from {@code params} (text values, as in
     * {@code maxscale.cnf}; defaults filled in) and opens a session for {@code client}.
     */
    public static FilterHarness of(FilterModule module, String section, Map<String, String> params,
                                   ClientInfo client) {
        return new FilterHarness(module.create(section, ModuleParams.of(module.descriptor(), section, params)), client);
    }

    /** A session of user {@code app} from {@code remote}, with session id 1 and no default database. */
    public static ClientInfo client(String remote) {
        return new ClientInfo(1, "app", remote, null);
    }

    /** Sends a COM_QUERY through the filter; returns what the router would receive. */
    public Routed query(String sql) {
        return send(TestPackets.query(alloc, sql));
    }

    /** Sends one whole command packet (owned by the harness from now on) through the filter. */
    public Routed send(ByteBuf packet) {
        Command command = new Command(packet, sqlState);
        ByteBuf replaced = session.rewriteQuery(command, alloc);
        if (replaced != null && replaced != packet && packet.refCnt() != 1) {
            throw new AssertionError("the filter released or retained the packet it rewrote (refCnt "
                    + packet.refCnt() + ")");
        }
        command.replace(replaced);
        routed.add(command.packet());
        command.attach(session.routeQuery(command));
        return new Routed(command.packet(), command.hints());
    }

    /** Tells the filter that the current command's reply completed (origin unknown, as from a test). */
    public void reply(Reply reply) {
        reply(reply, ReplyOrigin.UNKNOWN);
    }

    /** Tells the filter that the current command's reply, from {@code origin}, completed: what the core calls. */
    public void reply(Reply reply, ReplyOrigin origin) {
        session.clientReply(reply, origin);
    }

    /** The filter instance, for its diagnostics. */
    public Filter filter() {
        return filter;
    }

    /**
     * Ends the session, then the filter (the harness made it, as the core does when a filter is destroyed), and
     * checks that the filter kept no reference to the packets it saw.
     */
    @Override
    public void close() {
        session.close();
        filter.close();
        List<String> leaks = new ArrayList<>();
        for (ByteBuf b : routed) {
            if (b.refCnt() != 1) {
                leaks.add("a routed packet has refCnt " + b.refCnt() + " (the filter released or retained it)");
            }
            if (b.refCnt() > 0) {
                b.release(b.refCnt());
            }
        }
        routed.clear();
        if (!leaks.isEmpty()) {
            throw new AssertionError(String.join("; ", leaks));
        }
    }

    /** The harness's allocator, for packets a test builds itself. */
    public ByteBufAllocator alloc() {
        return alloc;
    }

    /** Builds the filter parameters of a test from key-value pairs. */
    public static Map<String, String> params(String... keyValues) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
