package io.gatehouse.filters.cache;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * memcached's text protocol for the two commands the cache needs: {@code get k1 k2 ...} (replied with one
 * {@code VALUE key flags bytes} block per key found, then {@code END}) and {@code set key 0 exptime bytes} (replied with
 * {@code STORED} or an error line). Keys are short ASCII digests, so they never need escaping. Stateless and
 * thread-safe; writes into and reads from buffers its caller owns.
 */
final class MemcachedProtocol implements RemoteProtocol {
    static final MemcachedProtocol INSTANCE = new MemcachedProtocol();
    /** memcached reads an exptime beyond 30 days as a Unix time rather than a number of seconds. */
    private static final long MAX_RELATIVE_SECONDS = 30L * 24 * 3600;

    private MemcachedProtocol() {
    }

    @Override
    public String name() {
        return "memcached";
    }

    @Override
    public int defaultPort() {
        return 11211;
    }

    @Override
    public void writePing(ByteBuf out) {
        out.writeCharSequence("version\r\n", StandardCharsets.US_ASCII);
    }

    @Override
    public void writeGet(ByteBuf out, List<String> keys) {
        out.writeCharSequence("get " + String.join(" ", keys) + "\r\n", StandardCharsets.US_ASCII);
    }

    @Override
    public int writeSet(ByteBuf out, List<String> keys, List<byte[]> values, long ttlMillis) {
        long seconds = ttlMillis <= 0 ? 0 : Math.max(1, (ttlMillis + 999) / 1000);
        long exptime = seconds <= MAX_RELATIVE_SECONDS ? seconds : System.currentTimeMillis() / 1000 + seconds;
        for (int i = 0; i < keys.size(); i++) {
            out.writeCharSequence("set " + keys.get(i) + " 0 " + exptime + " " + values.get(i).length + "\r\n",
                    StandardCharsets.US_ASCII);
            out.writeBytes(values.get(i)).writeByte('\r').writeByte('\n');
        }
        return keys.size();
    }

    @Override
    public Object parse(ByteBuf in, Expect expect, List<String> keys) {
        int start = in.readerIndex();
        Object v = expect == Expect.STATUS ? status(in) : values(in, keys);
        if (v == INCOMPLETE) {
            in.readerIndex(start);
        }
        return v;
    }

    private static Object status(ByteBuf in) {
        String line = RedisProtocol.line(in);
        if (line == null) {
            return INCOMPLETE;
        }
        return line.equals("STORED") || line.startsWith("VERSION ") ? Boolean.TRUE : line;
    }

    private static Object values(ByteBuf in, List<String> keys) {
        Map<String, byte[]> found = new HashMap<>();
        while (true) {
            String line = RedisProtocol.line(in);
            if (line == null) {
                return INCOMPLETE;
            }
            if (line.equals("END")) {
                break;
            }
            String[] f = line.split(" ");
            if (f.length < 4 || !f[0].equals("VALUE")) {
                throw new IllegalStateException("memcached: get reply line '" + line
                        + "' (expected: VALUE key flags bytes, or END)");
            }
            int len;
            try {
                len = Integer.parseInt(f[3]);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("memcached: value length '" + f[3] + "' (expected: an integer)");
            }
            if (in.readableBytes() < len + 2) {
                return INCOMPLETE;
            }
            byte[] b = new byte[len];
            in.readBytes(b);
            in.skipBytes(2);
            found.put(f[1], b);
        }
        List<byte[]> out = new ArrayList<>(keys.size());
        keys.forEach(k -> out.add(found.get(k)));
        return out;
    }
}
