package io.gatehouse.filters.cache;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis's RESP2 for the few commands the cache needs ({@code AUTH}, {@code MGET}, {@code SET ... PX}, {@code MSET}):
 * requests are arrays of bulk strings, replies are parsed as simple strings, errors, integers, bulk strings and
 * arrays. Stateless and thread-safe; writes into and reads from buffers its caller owns.
 */
final class RedisProtocol implements RemoteProtocol {
    static final RedisProtocol INSTANCE = new RedisProtocol();
    private static final byte[] CRLF = {'\r', '\n'};

    private RedisProtocol() {
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public int defaultPort() {
        return 6379;
    }

    /** Writes one command: an array of bulk strings. */
    static void command(ByteBuf out, List<byte[]> parts) {
        out.writeByte('*').writeCharSequence(Integer.toString(parts.size()), StandardCharsets.US_ASCII);
        out.writeBytes(CRLF);
        for (byte[] p : parts) {
            out.writeByte('$').writeCharSequence(Integer.toString(p.length), StandardCharsets.US_ASCII);
            out.writeBytes(CRLF).writeBytes(p).writeBytes(CRLF);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void writePing(ByteBuf out) {
        command(out, List.of(ascii("PING")));
    }

    @Override
    public void writeGet(ByteBuf out, List<String> keys) {
        List<byte[]> parts = new ArrayList<>(keys.size() + 1);
        parts.add(ascii("MGET"));
        keys.forEach(k -> parts.add(ascii(k)));
        command(out, parts);
    }

    @Override
    public int writeSet(ByteBuf out, List<String> keys, List<byte[]> values, long ttlMillis) {
        if (keys.size() == 1 && ttlMillis > 0) {
            command(out, List.of(ascii("SET"), ascii(keys.get(0)), values.get(0), ascii("PX"),
                    ascii(Long.toString(ttlMillis))));
            return 1;
        }
        if (ttlMillis > 0) {
            for (int i = 0; i < keys.size(); i++) {
                writeSet(out, List.of(keys.get(i)), List.of(values.get(i)), ttlMillis);
            }
            return keys.size();
        }
        List<byte[]> parts = new ArrayList<>(2 * keys.size() + 1);
        parts.add(ascii("MSET"));
        for (int i = 0; i < keys.size(); i++) {
            parts.add(ascii(keys.get(i)));
            parts.add(values.get(i));
        }
        command(out, parts);
        return 1;
    }

    /** Writes {@code AUTH [username] password}; its reply is a STATUS. */
    static void writeAuth(ByteBuf out, String user, String password) {
        command(out, user == null || user.isEmpty() ? List.of(ascii("AUTH"), ascii(password))
                : List.of(ascii("AUTH"), ascii(user), ascii(password)));
    }

    @Override
    public Object parse(ByteBuf in, Expect expect, List<String> keys) {
        int start = in.readerIndex();
        Object v = value(in);
        if (v == INCOMPLETE) {
            in.readerIndex(start);
            return INCOMPLETE;
        }
        if (expect == Expect.STATUS) {
            return v instanceof Error e ? e.line : Boolean.TRUE;
        }
        if (v instanceof Error e) {
            throw new IllegalStateException("redis: MGET failed: " + e.line);
        }
        if (!(v instanceof List<?> list) || list.size() != keys.size()) {
            throw new IllegalStateException("redis: MGET reply: " + v + " (expected: an array of " + keys.size()
                    + " values)");
        }
        List<byte[]> out = new ArrayList<>(list.size());
        for (Object o : list) {
            out.add(o instanceof byte[] b ? b : null);
        }
        return out;
    }

    /** A RESP error reply. */
    private record Error(String line) {
    }

    /** One RESP value, or INCOMPLETE (the reader index is then somewhere inside it). */
    private static Object value(ByteBuf in) {
        String line = line(in);
        if (line == null) {
            return INCOMPLETE;
        }
        if (line.isEmpty()) {
            throw new IllegalStateException("redis: empty reply line (expected: a RESP type byte)");
        }
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+', ':' -> {
                return rest;
            }
            case '-' -> {
                return new Error(rest);
            }
            case '$' -> {
                int len = number(rest);
                if (len < 0) {
                    return null;
                }
                if (in.readableBytes() < len + 2) {
                    return INCOMPLETE;
                }
                byte[] b = new byte[len];
                in.readBytes(b);
                in.skipBytes(2);
                return b;
            }
            case '*' -> {
                int n = number(rest);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Object item = value(in);
                    if (item == INCOMPLETE) {
                        return INCOMPLETE;
                    }
                    items.add(item);
                }
                return items;
            }
            default -> throw new IllegalStateException("redis: reply type '" + type
                    + "' (expected: one of + - : $ *)");
        }
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("redis: length '" + s + "' (expected: an integer)");
        }
    }

    /** The next line without its CRLF, or null when it is not complete. */
    static String line(ByteBuf in) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            return null;
        }
        int len = lf - in.readerIndex();
        String s = in.toString(in.readerIndex(), len > 0 && in.getByte(lf - 1) == '\r' ? len - 1 : len,
                StandardCharsets.UTF_8);
        in.readerIndex(lf + 1);
        return s;
    }
}
