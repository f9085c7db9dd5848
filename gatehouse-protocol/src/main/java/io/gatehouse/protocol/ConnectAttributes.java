package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts between connection attributes as a map and their wire form: a run of length-encoded key and value
 * strings (without the block's leading total length). Stateless and thread-safe; works on byte arrays and
 * short-lived heap buffers it releases itself.
 */
public final class ConnectAttributes {
    private ConnectAttributes() {
    }

    /** The attributes in {@code block}, in wire order; an empty map for null; throws on a malformed block. */
    public static Map<String, String> decode(byte[] block) {
        if (block == null || block.length == 0) {
            return Collections.emptyMap();
        }
        ByteBuf b = Unpooled.wrappedBuffer(block);
        try {
            Map<String, String> out = new LinkedHashMap<>();
            while (b.isReadable()) {
                String key = LenEnc.readString(b, UTF_8, "connectAttributes.key");
                String value = LenEnc.readString(b, UTF_8, "connectAttributes.value");
                out.put(key, value);
            }
            return Collections.unmodifiableMap(out);
        } finally {
            b.release();
        }
    }

    /** The wire form of {@code attributes} (null values are written as empty strings). */
    public static byte[] encode(Map<String, String> attributes) {
        ByteBuf b = Unpooled.buffer();
        try {
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                LenEnc.writeString(b, e.getKey(), UTF_8);
                LenEnc.writeString(b, e.getValue() == null ? "" : e.getValue(), UTF_8);
            }
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }
}
