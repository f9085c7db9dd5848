package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.ClientSession;
import io.netty.buffer.ByteBuf;

/**
 * Recognises {@code KILL [HARD | SOFT] [CONNECTION | QUERY] id} in a COM_QUERY payload, skipping leading white
 * space and comments. Pure parsing; reads the buffer without moving its indexes and never retains it.
 *
 * @param query true for KILL QUERY, false for KILL [CONNECTION]
 * @param id    the connection id named
 */
record KillStatement(boolean query, long id) {
    /** The statement in {@code sql[from, to)}, or null when it is not a KILL of a connection or query by id. */
    static KillStatement parse(ByteBuf sql, int from, int to) {
        Lexer lx = new Lexer(sql, from, to);
        if (!lx.word().equals("KILL")) {
            return null;
        }
        String w = lx.word();
        if (w.equals("HARD") || w.equals("SOFT")) {
            w = lx.word();
        }
        boolean query = false;
        if (w.equals("QUERY")) {
            query = true;
            w = lx.word();
        } else if (w.equals("CONNECTION")) {
            w = lx.word();
        }
        if (w.isEmpty() || !w.chars().allMatch(Character::isDigit) || w.length() > 18) {
            return null;      // KILL USER, KILL QUERY ID: passed to the backend as they are
        }
        long id = Long.parseLong(w);
        String tail = lx.word();
        if (tail.equals(";")) {
            tail = lx.word();
        }
        if (!tail.isEmpty()) {
            return null;      // more statements follow: the backend must see them all
        }
        return new KillStatement(query, id);
    }

    /**
     * The KILL a whole command packet (header included) carries when it names a live Gatehouse session:
     * COM_PROCESS_KILL or a KILL statement; null for anything else (KILLs of backend ids go to the backend).
     */
    static KillStatement ofCommand(ClientSession session, ByteBuf packet, int cmd) {
        int from = packet.readerIndex() + 5;
        if (cmd == io.gatehouse.protocol.Commands.COM_PROCESS_KILL) {
            return new KillStatement(false, packet.readableBytes() >= 9 ? packet.getUnsignedIntLE(from) : -1);
        }
        if (cmd != io.gatehouse.protocol.Commands.COM_QUERY || !mayBeKill(packet, from, packet.writerIndex())) {
            return null;
        }
        KillStatement k = parse(packet, from, packet.writerIndex());
        return k != null && session.proxy().registry().get(k.id()) != null ? k : null;
    }

    /** Quick test on the first bytes of a COM_QUERY payload: could this be a KILL (so worth reading whole)? */
    static boolean mayBeKill(ByteBuf buf, int at, int end) {
        if (at >= end) {
            return false;
        }
        int c = buf.getUnsignedByte(at);
        return c == 'K' || c == 'k' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '#'
                || c == '-';
    }

    /** A tiny word reader: upper-cased words or digits, comments and white space skipped, ';' as a word. */
    private static final class Lexer {
        private final ByteBuf buf;
        private int at;
        private final int end;

        Lexer(ByteBuf buf, int from, int to) {
            this.buf = buf;
            this.at = from;
            this.end = to;
        }

        String word() {
            skipSpaceAndComments();
            if (at >= end) {
                return "";
            }
            int c = buf.getUnsignedByte(at);
            if (c == ';') {
                at++;
                return ";";
            }
            StringBuilder sb = new StringBuilder();
            while (at < end) {
                c = buf.getUnsignedByte(at);
                if (Character.isLetterOrDigit(c) || c == '_') {
                    sb.append(Character.toUpperCase((char) c));
                    at++;
                } else {
                    break;
                }
            }
            if (sb.length() == 0) {
                at++;
                return "?";
            }
            return sb.toString();
        }

        private void skipSpaceAndComments() {
            while (at < end) {
                int c = buf.getUnsignedByte(at);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    at++;
                } else if (c == '#' || (c == '-' && at + 2 < end && buf.getUnsignedByte(at + 1) == '-'
                        && Character.isWhitespace(buf.getUnsignedByte(at + 2)))) {
                    while (at < end && buf.getUnsignedByte(at) != '\n') {
                        at++;
                    }
                } else if (c == '/' && at + 1 < end && buf.getUnsignedByte(at + 1) == '*') {
                    at += 2;
                    while (at + 1 < end && !(buf.getUnsignedByte(at) == '*' && buf.getUnsignedByte(at + 1) == '/')) {
                        at++;
                    }
                    at += 2;
                } else {
                    return;
                }
            }
        }
    }
}
