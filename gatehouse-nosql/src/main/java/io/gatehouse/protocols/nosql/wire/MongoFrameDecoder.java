package io.gatehouse.protocols.nosql.wire;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.nio.ByteOrder;

/**
 * Splits a MongoDB client's byte stream into whole messages (the little-endian length at the head counts itself);
 * runs on the client channel's event loop and passes each frame, owned by the next handler, down the pipeline.
 *
 * <p>The largest frame accepted is the {@code maxMessageSizeBytes} that {@code hello} announces; a longer length
 * closes the connection with a {@link io.netty.handler.codec.TooLongFrameException}, as the length would otherwise
 * make the decoder buffer an unbounded amount of a misbehaving client's data.
 */
public final class MongoFrameDecoder extends LengthFieldBasedFrameDecoder {
    /** The largest message a client may send, as announced in the handshake reply. */
    public static final int MAX_MESSAGE_SIZE = 48_000_000;

    public MongoFrameDecoder() {
        super(ByteOrder.LITTLE_ENDIAN, MAX_MESSAGE_SIZE, 0, 4, -4, 0, true);
    }
}
