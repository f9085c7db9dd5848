package io.gatehouse.protocols.nosql.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MongoWireTest {

    @Test
    void framesArriveWholeWhenFedOneByteAtATime() {
        byte[] first = opMsg(7, 0, BsonDocument.parse("{ping: 1, $db: 'admin'}"), null, false);
        byte[] second = opMsg(8, 0, BsonDocument.parse("{hello: 1, $db: 'admin'}"), null, false);
        EmbeddedChannel channel = new EmbeddedChannel(new MongoFrameDecoder());
        byte[] both = concat(first, second);
        for (int i = 0; i < both.length; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {both[i]}));
            Object out = channel.readInbound();
            if (i == first.length - 1 || i == both.length - 1) {
                assertThat(out).as("frame complete at byte " + i).isNotNull();
                ByteBuf frame = (ByteBuf) out;
                try {
                    MongoRequest request = MongoWire.decode(frame);
                    assertThat(request.commandName()).isEqualTo(i == first.length - 1 ? "ping" : "hello");
                    assertThat(request.requestId()).isEqualTo(i == first.length - 1 ? 7 : 8);
                } finally {
                    frame.release();
                }
            } else {
                assertThat(out).as("no frame before byte " + i).isNull();
            }
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anOversizedLengthClosesTheStream() {
        EmbeddedChannel channel = new EmbeddedChannel(new MongoFrameDecoder());
        ByteBuf huge = Unpooled.buffer().writeIntLE(MongoFrameDecoder.MAX_MESSAGE_SIZE + 1).writeIntLE(1);
        assertThatThrownBy(() -> channel.writeInbound(huge)).isInstanceOf(TooLongFrameException.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void documentSequencesAreFoldedIntoTheCommandAndTheChecksumIsChecked() {
        BsonArray docs = new BsonArray();
        docs.add(BsonDocument.parse("{_id: 1, a: 'x'}"));
        docs.add(BsonDocument.parse("{_id: 2, a: 'y'}"));
        byte[] message = opMsg(3, 0, BsonDocument.parse("{insert: 'c', $db: 'd'}"), docs, true);
        MongoRequest request = decode(message);
        assertThat(request.commandName()).isEqualTo("insert");
        assertThat(request.database()).isEqualTo("d");
        assertThat(request.command().getArray("documents")).isEqualTo(docs);
        assertThat(request.moreToCome()).isFalse();

        message[message.length - 1] ^= 0x55;
        assertThatThrownBy(() -> decode(message)).isInstanceOf(MongoWireException.class).hasMessageContaining("checksum");
    }

    @Test
    void legacyQueryCommandsAreUnwrapped() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeInt(body, 0);
        body.writeBytes("admin.$cmd\0".getBytes(StandardCharsets.UTF_8));
        writeInt(body, 0);
        writeInt(body, -1);
        body.writeBytes(MongoWire.toBytes(BsonDocument.parse("{$query: {isMaster: 1}, $readPreference: {mode: 'primary'}}")));
        MongoRequest request = decode(frame(11, 0, MongoWire.OP_QUERY, body.toByteArray()));
        assertThat(request.legacyQuery()).isTrue();
        assertThat(request.commandName()).isEqualTo("isMaster");
        assertThat(request.database()).isEqualTo("admin");
    }

    @Test
    void malformedMessagesAreRefusedWithAReason() {
        byte[] message = opMsg(1, 0, BsonDocument.parse("{ping: 1}"), null, false);
        message[20] = 9; // section kind
        assertThatThrownBy(() -> decode(message)).hasMessageContaining("section kind 9");
        byte[] truncatedDoc = opMsg(1, 0, BsonDocument.parse("{ping: 1}"), null, false);
        truncatedDoc[21] = 100; // document claims more bytes than the message holds
        assertThatThrownBy(() -> decode(truncatedDoc)).hasMessageContaining("overruns");
        assertThatThrownBy(() -> decode(frame(1, 0, 2010, new byte[4]))).hasMessageContaining("opcode 2010");
    }

    @Test
    void repliesRoundTripThroughTheDecoderShapes() {
        BsonDocument doc = new BsonDocument("ok", new BsonInt32(1)).append("msg", new BsonString("hi"));
        ByteBuf msg = MongoWire.encodeMsg(ByteBufAllocator.DEFAULT, 5, 9, doc);
        try {
            assertThat(msg.getIntLE(0)).isEqualTo(msg.readableBytes());
            assertThat(msg.getIntLE(8)).isEqualTo(9);
            assertThat(msg.getIntLE(12)).isEqualTo(MongoWire.OP_MSG);
            // An OP_MSG reply has the same layout as a request, so the request decoder reads it back.
            assertThat(MongoWire.decode(msg).command()).isEqualTo(doc);
        } finally {
            msg.release();
        }
        ByteBuf reply = MongoWire.encodeReply(ByteBufAllocator.DEFAULT, 6, 11, doc);
        try {
            assertThat(reply.getIntLE(0)).isEqualTo(reply.readableBytes());
            assertThat(reply.getIntLE(12)).isEqualTo(MongoWire.OP_REPLY);
            assertThat(reply.getIntLE(32)).as("numberReturned").isEqualTo(1);
            assertThat(reply.readableBytes()).isEqualTo(36 + MongoWire.toBytes(doc).length);
        } finally {
            reply.release();
        }
    }

    private static MongoRequest decode(byte[] message) {
        ByteBuf buf = Unpooled.wrappedBuffer(message);
        try {
            return MongoWire.decode(buf);
        } finally {
            buf.release();
        }
    }

    static byte[] opMsg(int requestId, int flags, BsonDocument body, BsonArray documents, boolean checksum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, flags | (checksum ? 1 : 0));
        out.write(0);
        out.writeBytes(MongoWire.toBytes(body));
        if (documents != null) {
            ByteArrayOutputStream seq = new ByteArrayOutputStream();
            seq.writeBytes("documents\0".getBytes(StandardCharsets.UTF_8));
            for (var d : documents) {
                seq.writeBytes(MongoWire.toBytes(d.asDocument()));
            }
            out.write(1);
            writeInt(out, seq.size() + 4);
            out.writeBytes(seq.toByteArray());
        }
        byte[] payload = out.toByteArray();
        if (!checksum) {
            return frame(requestId, 0, MongoWire.OP_MSG, payload);
        }
        byte[] withRoom = frame(requestId, 0, MongoWire.OP_MSG, concat(payload, new byte[4]));
        CRC32C crc = new CRC32C();
        crc.update(withRoom, 0, withRoom.length - 4);
        ByteBuffer.wrap(withRoom).order(ByteOrder.LITTLE_ENDIAN).putInt(withRoom.length - 4, (int) crc.getValue());
        return withRoom;
    }

    static byte[] frame(int requestId, int responseTo, int opCode, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(16 + payload.length).putInt(requestId).putInt(responseTo).putInt(opCode).put(payload);
        return b.array();
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
