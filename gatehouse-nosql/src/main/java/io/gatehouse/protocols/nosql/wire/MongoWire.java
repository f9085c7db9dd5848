package io.gatehouse.protocols.nosql.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.bson.BsonArray;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Reads client messages (OP_MSG, legacy OP_QUERY) from frames and writes replies (OP_MSG, OP_REPLY); called on the
 * client channel's event loop. {@link #decode} only reads the frame (the caller keeps and releases it); the encoders
 * return a new buffer that the caller owns and normally hands to {@code writeAndFlush}.
 */
public final class MongoWire {
    public static final int OP_REPLY = 1;
    public static final int OP_QUERY = 2004;
    public static final int OP_MSG = 2013;
    public static final int OP_COMPRESSED = 2012;

    private static final int FLAG_CHECKSUM = 1;
    private static final int FLAG_MORE_TO_COME = 1 << 1;
    private static final int HEADER = 16;
    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    private MongoWire() {
    }

    /** Decodes one whole frame as cut by {@link MongoFrameDecoder}; a malformed frame throws {@link MongoWireException}. */
    public static MongoRequest decode(ByteBuf frame) {
        if (frame.readableBytes() < HEADER) {
            throw new MongoWireException("message shorter than its header");
        }
        int start = frame.readerIndex();
        int length = frame.getIntLE(start);
        if (length != frame.readableBytes()) {
            throw new MongoWireException("message length " + length + " does not match the frame");
        }
        int requestId = frame.getIntLE(start + 4);
        int opCode = frame.getIntLE(start + 12);
        return switch (opCode) {
            case OP_MSG -> decodeMsg(frame, start, length, requestId);
            case OP_QUERY -> decodeQuery(frame, start, length, requestId);
            case OP_COMPRESSED -> throw new MongoWireException("compressed messages are not supported (none was offered)");
            default -> throw new MongoWireException("unsupported opcode " + opCode);
        };
    }

    private static MongoRequest decodeMsg(ByteBuf frame, int start, int length, int requestId) {
        int flags = frame.getIntLE(start + HEADER);
        int end = start + length;
        if ((flags & FLAG_CHECKSUM) != 0) {
            end -= 4;
            CRC32C crc = new CRC32C();
            crc.update(frame.nioBuffer(start, length - 4));
            if ((int) crc.getValue() != frame.getIntLE(end)) {
                throw new MongoWireException("OP_MSG checksum mismatch");
            }
        }
        // Bits 0-15 are required to be understood; only checksumPresent and moreToCome are defined there.
        if ((flags & 0xFFFC) != 0) {
            throw new MongoWireException("unknown required OP_MSG flag bits " + Integer.toHexString(flags & 0xFFFC));
        }
        BsonDocument body = null;
        BsonDocument sequences = new BsonDocument();
        int at = start + HEADER + 4;
        while (at < end) {
            byte kind = frame.getByte(at++);
            if (kind == 0) {
                int size = docSize(frame, at, end);
                body = readDocument(frame, at, size);
                at += size;
            } else if (kind == 1) {
                int size = frame.getIntLE(at);
                int sectionEnd = at + size;
                if (size < 5 || sectionEnd > end) {
                    throw new MongoWireException("document sequence overruns the message");
                }
                int nameEnd = frame.indexOf(at + 4, sectionEnd, (byte) 0);
                if (nameEnd < 0) {
                    throw new MongoWireException("unterminated document sequence identifier");
                }
                String name = frame.toString(at + 4, nameEnd - at - 4, StandardCharsets.UTF_8);
                BsonArray docs = new BsonArray();
                int d = nameEnd + 1;
                while (d < sectionEnd) {
                    int dsize = docSize(frame, d, sectionEnd);
                    docs.add(readDocument(frame, d, dsize));
                    d += dsize;
                }
                sequences.put(name, docs);
                at = sectionEnd;
            } else {
                throw new MongoWireException("unknown OP_MSG section kind " + kind);
            }
        }
        if (body == null) {
            throw new MongoWireException("OP_MSG without a body section");
        }
        for (String name : sequences.keySet()) {
            body.put(name, sequences.get(name));
        }
        return new MongoRequest(requestId, false, (flags & FLAG_MORE_TO_COME) != 0, body);
    }

    private static MongoRequest decodeQuery(ByteBuf frame, int start, int length, int requestId) {
        int end = start + length;
        int nameAt = start + HEADER + 4;
        int nameEnd = frame.indexOf(nameAt, end, (byte) 0);
        if (nameEnd < 0) {
            throw new MongoWireException("unterminated OP_QUERY collection name");
        }
        String collection = frame.toString(nameAt, nameEnd - nameAt, StandardCharsets.UTF_8);
        int at = nameEnd + 1 + 8; // numberToSkip, numberToReturn
        int size = docSize(frame, at, end);
        BsonDocument query = readDocument(frame, at, size);
        if (query.containsKey("$query") && query.get("$query").isDocument()) {
            query = query.getDocument("$query");
        }
        if (!collection.endsWith(".$cmd")) {
            throw new MongoWireException("OP_QUERY is only supported for commands, not for " + collection);
        }
        query.put("$db", new BsonString(collection.substring(0, collection.length() - 5)));
        return new MongoRequest(requestId, true, false, query);
    }

    private static int docSize(ByteBuf frame, int at, int end) {
        if (at + 5 > end) {
            throw new MongoWireException("document overruns the message");
        }
        int size = frame.getIntLE(at);
        if (size < 5 || at + size > end) {
            throw new MongoWireException("document size " + size + " overruns the message");
        }
        return size;
    }

    private static BsonDocument readDocument(ByteBuf frame, int at, int size) {
        ByteBuffer nio = frame.nioBuffer(at, size).order(ByteOrder.LITTLE_ENDIAN);
        try (BsonBinaryReader reader = new BsonBinaryReader(nio)) {
            return CODEC.decode(reader, DecoderContext.builder().build());
        } catch (RuntimeException e) {
            throw new MongoWireException("malformed BSON document: " + e.getMessage());
        }
    }

    /** The BSON bytes of a document. */
    public static byte[] toBytes(BsonDocument doc) {
        BasicOutputBuffer out = new BasicOutputBuffer();
        try (BsonBinaryWriter writer = new BsonBinaryWriter(out)) {
            CODEC.encode(writer, doc, EncoderContext.builder().build());
        }
        return out.toByteArray();
    }

    /** An OP_MSG reply carrying {@code doc} in a body section. */
    public static ByteBuf encodeMsg(ByteBufAllocator alloc, int requestId, int responseTo, BsonDocument doc) {
        byte[] body = toBytes(doc);
        ByteBuf out = alloc.buffer(HEADER + 5 + body.length);
        out.writeIntLE(HEADER + 5 + body.length).writeIntLE(requestId).writeIntLE(responseTo).writeIntLE(OP_MSG);
        out.writeIntLE(0).writeByte(0).writeBytes(body);
        return out;
    }

    /** An OP_REPLY answering a legacy OP_QUERY command with the single document {@code doc}. */
    public static ByteBuf encodeReply(ByteBufAllocator alloc, int requestId, int responseTo, BsonDocument doc) {
        byte[] body = toBytes(doc);
        int length = HEADER + 20 + body.length;
        ByteBuf out = alloc.buffer(length);
        out.writeIntLE(length).writeIntLE(requestId).writeIntLE(responseTo).writeIntLE(OP_REPLY);
        out.writeIntLE(0).writeLongLE(0).writeIntLE(0).writeIntLE(1).writeBytes(body);
        return out;
    }
}
