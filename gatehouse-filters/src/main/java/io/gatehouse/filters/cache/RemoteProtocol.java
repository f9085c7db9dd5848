package io.gatehouse.filters.cache;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The wire protocol of a remote cache storage (Redis's RESP or memcached's text protocol): writes requests into a
 * buffer and reads their replies, one at a time, in the order the requests were sent. Stateless and thread-safe;
 * it writes into buffers its caller owns and reads from ones it is only shown.
 */
interface RemoteProtocol {
    /** What {@link #parse} returns while the reply is not complete yet (the reader index is left where it was). */
    Object INCOMPLETE = new Object();

    /** The kind of reply a request waits for. */
    enum Expect {
        /** One value per key asked for, null for a missing one: a {@code List<byte[]>}. */
        VALUES,
        /** A status: {@link Boolean#TRUE} for success, or the server's error line as a String. */
        STATUS
    }

    /** The storage's name for the logs and the diagnostics ({@code redis}, {@code memcached}). */
    String name();

    /** The default port when {@code server} names none. */
    int defaultPort();

    /**
     * Writes a request that proves the server answers (Redis PING, memcached version); its reply is a
     * {@link Expect#STATUS}. A new connection counts as up only once it is answered.
     */
    void writePing(ByteBuf out);

    /** Writes a request for the values of {@code keys}; its reply is {@link Expect#VALUES}. */
    void writeGet(ByteBuf out, List<String> keys);

    /**
     * Writes the requests that store each of {@code values} under its key ({@code keys.get(i)}), for
     * {@code ttlMillis} (0: no expiry); returns how many {@link Expect#STATUS} replies they bring.
     */
    int writeSet(ByteBuf out, List<String> keys, List<byte[]> values, long ttlMillis);

    /**
     * Reads one reply of the kind {@code expect} from {@code in} ({@code keys}: what a VALUES reply answers); returns
     * {@link #INCOMPLETE} when more bytes are needed.
     *
     * @throws IllegalStateException when the bytes are not a reply of that kind (the connection is then closed)
     */
    Object parse(ByteBuf in, Expect expect, List<String> keys);
}
