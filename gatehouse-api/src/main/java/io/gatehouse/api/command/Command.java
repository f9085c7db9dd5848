package io.gatehouse.api.command;

import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.sql.Classification;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One whole client command on its way through a session's filters to its router: the packet, its command byte and
 * sequence number, the classification of its SQL and the routing hints filters attached. The classification is
 * computed at the first {@link #classification()} call, for the session's {@link SessionSqlState}, and kept, so a
 * filter that asks first and the router that asks later share one result. Confined to the session's worker thread.
 *
 * <p>Buffer ownership: the core owns {@link #packet()} while filters see the command (they read it with absolute
 * or duplicate indexes and never release or keep it); from the moment the core calls the router's
 * {@code routeQuery}, the router owns it and forwards or releases it exactly once. A command of 16 MiB or more is
 * several packets in one buffer, headers included.
 */
public final class Command implements CommandCodes {
    private final SessionSqlState sqlState;
    private ByteBuf packet;
    private int command;
    private List<RouteHint> hints = List.of();
    private Classification classification;
    private boolean classified;

    /**
     * A command read from the client ({@code packet}: header included, at least the command byte), classified
     * through {@code sqlState} when asked.
     */
    public Command(ByteBuf packet, SessionSqlState sqlState) {
        this.packet = packet;
        this.sqlState = sqlState;
        this.command = commandOf(packet);
    }

    /** The command byte of a packet ({@link #COM_QUERY}, {@link #COM_STMT_PREPARE}, ...), -1 when it has none. */
    public static int commandOf(ByteBuf packet) {
        return packet.readableBytes() > 4 ? packet.getUnsignedByte(packet.readerIndex() + 4) : -1;
    }

    /** The command byte ({@link CommandCodes}). */
    public int command() {
        return command;
    }

    /** The sequence number of the (first) packet: 0 for a command the client started. */
    public int sequence() {
        return packet.getUnsignedByte(packet.readerIndex() + 3);
    }

    /** The whole command, 4-byte header included; see the class comment for who owns it when. */
    public ByteBuf packet() {
        return packet;
    }

    /** True for the commands that carry statement text after the command byte: COM_QUERY and COM_STMT_PREPARE. */
    public boolean carriesSql() {
        return command == COM_QUERY || command == COM_STMT_PREPARE;
    }

    /** The statement text (UTF-8) of a command that {@link #carriesSql()}, else null. Decoded at each call. */
    public String sql() {
        return carriesSql()
                ? packet.toString(packet.readerIndex() + 5, packet.readableBytes() - 5, StandardCharsets.UTF_8) : null;
    }

    /**
     * What the statement of a COM_QUERY or COM_STMT_PREPARE does, read with the session's sql_mode and its servers'
     * versions; computed once per packet. Null for other commands (a COM_STMT_EXECUTE is classified by the router,
     * which knows the prepared statement).
     */
    public Classification classification() {
        if (!classified) {
            classified = true;
            if (carriesSql()) {
                int len = packet.readableBytes() - 5;
                byte[] text = scratch(len);
                packet.getBytes(packet.readerIndex() + 5, text, 0, len);
                classification = sqlState.classify(text, 0, len);
            }
        }
        return classification;
    }

    /** The largest statement whose scratch array a worker keeps for the next one. */
    private static final int SCRATCH_KEPT = 64 * 1024;
    /**
     * Per worker thread: the classifier reads the statement bytes during the call and copies what it keeps. A
     * FastThreadLocal because workers are Netty threads, where it is an indexed load; a ThreadLocal's hash probe
     * was 5 % of the workers' Java samples under sysbench point selects.
     */
    private static final FastThreadLocal<byte[][]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[][] initialValue() {
            return new byte[][] {new byte[512]};
        }
    };

    /** This thread's scratch array of at least {@code len} bytes, valid until its next call on this thread. */
    private static byte[] scratch(int len) {
        byte[][] holder = SCRATCH.get();
        byte[] b = holder[0];
        if (b.length < len) {
            b = new byte[len];
            if (len <= SCRATCH_KEPT) {
                holder[0] = b;
            }
        }
        return b;
    }

    /** The routing hints the session's filters attached, in chain order; empty for none. */
    public List<RouteHint> hints() {
        return hints;
    }

    /**
     * Attaches routing hints (the core does, with what each filter's {@code routeQuery} returned). Called by the
     * core only.
     */
    public void attach(List<RouteHint> more) {
        if (more.isEmpty()) {
            return;
        }
        List<RouteHint> all = new ArrayList<>(hints.size() + more.size());
        all.addAll(hints);
        all.addAll(more);
        hints = Collections.unmodifiableList(all);
    }

    /**
     * Replaces the packet with a filter's rewrite (owned by the command's owner from now on) and releases the
     * original; the classification is computed again for the new text when asked. Null (no rewrite) changes
     * nothing. Called by the core (and the module test kit) only.
     */
    public void replace(ByteBuf replacement) {
        if (replacement == null || replacement == packet) {
            return;
        }
        ByteBuf old = packet;
        packet = replacement;
        command = commandOf(replacement);
        classification = null;
        classified = false;
        old.release();
    }
}
