package io.gatehouse.api.filter;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * The per-session half of a filter: sees each client command before the router does, may replace it, attaches
 * routing hints and is told how each command ended. Confined to the session's worker thread, so it needs no locks.
 *
 * <p>Buffer ownership: the {@link Command}s it is shown, and their packets, belong to the core; it reads them
 * without releasing or keeping them. A replacement made by {@link #rewriteQuery} belongs to the core from the moment
 * it is returned. A filter that needs to know what a statement does asks {@link Command#classification()}: it is
 * computed once per command and the router gets the same result.
 *
 * <p>The core calls, for each client command: {@link #rewriteQuery} on every filter of the chain in configuration
 * order (each sees the previous one's result), then {@link #routeQuery} on every filter, then the router; when the
 * reply to the command is complete, {@link #clientReply}. Filters run in front of every router: a service with a
 * connection router (readconnroute) cuts its stream into commands for them, and streams whole chunks only when it
 * has no filter.
 */
public interface FilterSession {
    /**
     * Optionally replaces one whole client command before it is routed. Returns null to keep {@code packet}, or a
     * new complete packet (4-byte header included, sequence number 0) allocated from {@code alloc}; the core then
     * releases the original and routes the replacement (whose classification is computed anew). Payloads of 16 MiB or more arrive split into several
     * packets and should be returned unchanged.
     *
     * @param command the command; read its {@link Command#packet()} with absolute or duplicate indexes, never
     *                release it
     * @param alloc   the session's allocator, for the replacement
     */
    default ByteBuf rewriteQuery(Command command, ByteBufAllocator alloc) {
        return null;
    }

    /**
     * Optionally answers one client command in the router's place (after every rewrite, before any
     * {@link #routeQuery}). Returns null to let it be routed, or a buffer of zero or more whole reply packets
     * (sequence numbers are set by the core, from 1) allocated from {@code alloc}: the client gets it as the reply,
     * the command is not routed, later filters do not see it and {@link #clientReply} is not called for it. An
     * empty buffer swallows a command the server would not answer (COM_STMT_CLOSE). The first filter of the chain
     * that answers wins.
     */
    default ByteBuf answer(Command command, ByteBufAllocator alloc) {
        return null;
    }

    /**
     * Optionally answers one client command later, for a filter that must first ask another process over the network
     * (the cache's Redis or memcached storage). Called after every rewrite and before {@link #answer}, only for
     * commands that get a reply, on the filters in chain order until one returns a stage. Returns null to decide at
     * once (the usual case), or a stage that completes, on any thread, with a buffer of whole reply packets (as
     * {@link #answer} returns them; the core owns it from then on) or with null to let the command go on: then
     * {@link #answer} is asked on every filter and the command is routed as usual. Meanwhile the session reads no
     * further command. A stage that completes exceptionally counts as null; the filter bounds how long its stage
     * takes. If the session ends first, the core releases the buffer the stage brings.
     */
    default java.util.concurrent.CompletionStage<ByteBuf> answerLater(Command command, ByteBufAllocator alloc) {
        return null;
    }

    /**
     * Looks at one whole client command (after every rewrite); returns the routing hints it attaches (empty for
     * none). The hints earlier filters attached are in {@link Command#hints()}.
     */
    List<RouteHint> routeQuery(Command command);

    /**
     * How long to hold the command back before the router gets it, in nanoseconds (after {@link #routeQuery} on
     * every filter); the core waits for the longest any filter asks, reading nothing else from the client
     * meanwhile. 0, the default, routes it at once.
     */
    default long delayNanos(Command command) {
        return 0;
    }

    /**
     * True when this filter looks at, changes or drops the packets of replies ({@link #replyPacket}). Asked once
     * per session; when any filter of the chain says so, the session cuts every reply into packets for the chain,
     * which is slower than passing chunks on, so only filters that need it should say yes.
     */
    default boolean needsReplyPackets() {
        return false;
    }

    /**
     * One packet of the reply to the current command on its way to the client, 4-byte header included; filters
     * see it in reverse chain order (the one nearest the router first). Returns what to pass on: {@code packet}
     * itself, or a buffer of zero or more whole packets allocated from the session's allocator, after releasing
     * {@code packet}. The core renumbers the sequence of every packet the client gets, so dropping or adding
     * packets keeps the exchange valid. A packet of 16 MiB or more comes in its wire pieces, each with the
     * kind of the packet it belongs to.
     */
    default ByteBuf replyPacket(ByteBuf packet, ReplyPacketKind kind) {
        return packet;
    }

    /**
     * The reply to the current command is complete (the parsed summary; the bytes went to the client already).
     * Filters that need whole result sets keep what they need from here; the default ignores replies.
     */
    default void clientReply(Reply reply) {
    }

    /**
     * The reply the client got for the current command is complete, with where it came from. The core calls this
     * once per command that got a reply from a backend, after the last byte of it went to the client (replies
     * that a router reads for itself, or that it discards from other backends, are not shown). The default passes
     * the reply to {@link #clientReply(Reply)}.
     */
    default void clientReply(Reply reply, ReplyOrigin origin) {
        clientReply(reply);
    }

    /**
     * The session's server-side state was reset by a COM_CHANGE_USER that every connection accepted: prepared
     * statements, user variables and temporary tables are gone. Filters that remember any of them forget it here
     * (COM_RESET_CONNECTION, by contrast, passes through the chain as a command).
     */
    default void sessionReset() {
    }

    /** The session ended; release what the filter session holds. */
    default void close() {
    }
}
