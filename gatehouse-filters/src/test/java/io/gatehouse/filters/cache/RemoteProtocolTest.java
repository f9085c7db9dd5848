package io.gatehouse.filters.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two storage protocols' requests (exact bytes) and replies, fed whole and cut at every byte boundary (a reply is
 * INCOMPLETE until its last byte and leaves the reader where it was), plus the entry format's round trip and its
 * refusal of an entry read under other generation tokens. JUnit thread; every buffer is released.
 */
class RemoteProtocolTest {
    private static String written(java.util.function.Consumer<ByteBuf> w) {
        ByteBuf b = Unpooled.buffer();
        try {
            w.accept(b);
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    /** Parses {@code reply} whole and at every split; returns the whole-reply result. */
    private static Object parseEverySplit(RemoteProtocol p, String reply, RemoteProtocol.Expect expect,
                                          List<String> keys) {
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut < bytes.length; cut++) {
            ByteBuf part = Unpooled.wrappedBuffer(bytes, 0, cut);
            try {
                assertThat(p.parse(part, expect, keys)).as("cut at " + cut).isSameAs(RemoteProtocol.INCOMPLETE);
                assertThat(part.readerIndex()).isZero();
            } finally {
                part.release();
            }
        }
        ByteBuf whole = Unpooled.wrappedBuffer(bytes);
        try {
            Object v = p.parse(whole, expect, keys);
            assertThat(whole.isReadable()).as("the whole reply is read").isFalse();
            return v;
        } finally {
            whole.release();
        }
    }

    @Test
    void redisRequestsAndReplies() {
        RedisProtocol r = RedisProtocol.INSTANCE;
        assertThat(written(b -> r.writeGet(b, List.of("k1", "k2"))))
                .isEqualTo("*3\r\n$4\r\nMGET\r\n$2\r\nk1\r\n$2\r\nk2\r\n");
        assertThat(written(b -> r.writeSet(b, List.of("k"), List.of(new byte[] {'v'}), 1500)))
                .isEqualTo("*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nPX\r\n$4\r\n1500\r\n");
        assertThat(written(b -> r.writeSet(b, List.of("a", "b"), List.of(new byte[] {'1'}, new byte[] {'2'}), 0)))
                .isEqualTo("*5\r\n$4\r\nMSET\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
        assertThat(written(r::writePing)).isEqualTo("*1\r\n$4\r\nPING\r\n");
        assertThat(parseEverySplit(r, "+PONG\r\n", RemoteProtocol.Expect.STATUS, List.of())).isEqualTo(true);
        assertThat(written(b -> RedisProtocol.writeAuth(b, "u", "p")))
                .isEqualTo("*3\r\n$4\r\nAUTH\r\n$1\r\nu\r\n$1\r\np\r\n");

        @SuppressWarnings("unchecked")
        List<byte[]> values = (List<byte[]>) parseEverySplit(r, "*3\r\n$3\r\nab\n\r\n$-1\r\n$0\r\n\r\n",
                RemoteProtocol.Expect.VALUES, List.of("a", "b", "c"));
        assertThat(values.get(0)).containsExactly('a', 'b', '\n');
        assertThat(values.get(1)).isNull();
        assertThat(values.get(2)).isEmpty();
        assertThat(parseEverySplit(r, "+OK\r\n", RemoteProtocol.Expect.STATUS, List.of())).isEqualTo(true);
        assertThat(parseEverySplit(r, "-WRONGPASS invalid\r\n", RemoteProtocol.Expect.STATUS, List.of()))
                .isEqualTo("WRONGPASS invalid");
        ByteBuf bad = Unpooled.copiedBuffer("?x\r\n", StandardCharsets.US_ASCII);
        try {
            assertThatThrownBy(() -> r.parse(bad, RemoteProtocol.Expect.STATUS, List.of()))
                    .hasMessageContaining("reply type '?'");
        } finally {
            bad.release();
        }
    }

    @Test
    void memcachedRequestsAndReplies() {
        MemcachedProtocol m = MemcachedProtocol.INSTANCE;
        assertThat(written(b -> m.writeGet(b, List.of("k1", "k2")))).isEqualTo("get k1 k2\r\n");
        assertThat(written(m::writePing)).isEqualTo("version\r\n");
        assertThat(parseEverySplit(m, "VERSION 1.6.18\r\n", RemoteProtocol.Expect.STATUS, List.of())).isEqualTo(true);
        assertThat(written(b -> m.writeSet(b, List.of("k"), List.of(new byte[] {'v', 'w'}), 1500)))
                .isEqualTo("set k 0 2 2\r\nvw\r\n");
        @SuppressWarnings("unchecked")
        List<byte[]> values = (List<byte[]>) parseEverySplit(m, "VALUE k2 0 3\r\na\r\n\r\nEND\r\n",
                RemoteProtocol.Expect.VALUES, List.of("k1", "k2"));
        assertThat(values.get(0)).isNull();
        assertThat(values.get(1)).containsExactly('a', '\r', '\n');
        assertThat(parseEverySplit(m, "STORED\r\n", RemoteProtocol.Expect.STATUS, List.of())).isEqualTo(true);
        assertThat(parseEverySplit(m, "SERVER_ERROR object too large for cache\r\n", RemoteProtocol.Expect.STATUS,
                List.of())).isEqualTo("SERVER_ERROR object too large for cache");
    }

    @Test
    void entriesCountOnlyUnderTheTokensTheyWereReadUnder() {
        byte[] packets = {1, 0, 0, 1, 7, 5, 0, 0, 2, (byte) 0xfe, 0, 0, 2, 0, 0};
        List<byte[]> tokens = List.of("g1".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        byte[] value = RemoteStorage.encode(packets, 5, tokens);
        CacheStorage.Entry e = RemoteStorage.decode(value, tokens);
        assertThat(e).isNotNull();
        assertThat(e.packets).containsExactly(packets);
        assertThat(e.lastPacketAt).isEqualTo(5);
        assertThat(System.nanoTime() - e.storedNanos).isLessThan(5_000_000_000L);
        assertThat(RemoteStorage.decode(value, List.of("g2".getBytes(StandardCharsets.US_ASCII), new byte[0])))
                .as("a write replaced a token").isNull();
        assertThat(RemoteStorage.decode(value, List.of(tokens.get(0)))).as("other tables").isNull();
        assertThat(RemoteStorage.decode(new byte[] {9, 9}, tokens)).isNull();
    }
}
