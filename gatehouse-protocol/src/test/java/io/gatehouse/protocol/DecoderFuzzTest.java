package io.gatehouse.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.reply.ReplyTracker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of every decoder that reads bytes from a peer: random bytes and mutations of valid packets. A
 * decoder may refuse input only with {@link ProtocolException} (or {@link IllegalStateException} for a reply out of
 * place); any other exception is a bug that a hostile client or server could trigger. The seed is fixed so that a
 * failure reproduces; the iteration count keeps the run to a few seconds.
 */
class DecoderFuzzTest {
    private static final long SEED = 0x6a7e405eL;
    private static final int ITERATIONS = 20_000;
    private static final long CAPS = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION
            | Capabilities.PLUGIN_AUTH | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CONNECT_ATTRS
            | Capabilities.CONNECT_WITH_DB | Capabilities.DEPRECATE_EOF | Capabilities.SESSION_TRACK;

    private static byte[] validHandshakeResponse() {
        HandshakeResponse r = new HandshakeResponse(CAPS, 1 << 24, 45, "app", new byte[20], "test",
                "mysql_native_password", ConnectAttributes.encode(Map.of("_client_name", "fuzz")));
        ByteBuf b = Unpooled.buffer();
        r.encode(b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    private static byte[] validGreeting() {
        InitialHandshake g = new InitialHandshake(10, "5.5.5-10.11.6-MariaDB", 7, new byte[20], CAPS, 45,
                StatusFlags.AUTOCOMMIT, "mysql_native_password");
        ByteBuf b = Unpooled.buffer();
        g.encode(b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    private static byte[] mutate(Random rnd, byte[] valid) {
        byte[] b;
        switch (rnd.nextInt(4)) {
            case 0 -> {
                b = new byte[rnd.nextInt(valid.length + 1)];          // truncated
                System.arraycopy(valid, 0, b, 0, b.length);
            }
            case 1 -> {
                b = valid.clone();                                     // flipped bytes
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 2 -> {
                b = valid.clone();                                     // huge length-encoded values
                int at = rnd.nextInt(b.length);
                b[at] = (byte) (0xFB + rnd.nextInt(5));
            }
            default -> {
                b = new byte[rnd.nextInt(64)];                         // noise
                rnd.nextBytes(b);
            }
        }
        return b;
    }

    private static void decodeOrRefuse(byte[] input, Consumer<ByteBuf> decoder, List<String> failures) {
        ByteBuf buf = Unpooled.wrappedBuffer(input);
        try {
            decoder.accept(buf);
        } catch (ProtocolException | IllegalStateException expected) {
            // a clear refusal
        } catch (RuntimeException e) {
            if (failures.size() < 5) {
                failures.add(e + " for " + java.util.HexFormat.of().formatHex(input));
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void decodersRefuseBadInputOnlyWithProtocolErrors() {
        Random rnd = new Random(SEED);
        byte[] response = validHandshakeResponse();
        byte[] greeting = validGreeting();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ITERATIONS; i++) {
            decodeOrRefuse(mutate(rnd, response), HandshakeResponse::decode, failures);
            decodeOrRefuse(mutate(rnd, greeting), InitialHandshake::decode, failures);
            decodeOrRefuse(mutate(rnd, new byte[] {0x11, 'a', 'p', 'p', 0, 0, 't', 0, 45, 0}),
                    b -> ChangeUserRequest.decode(b, CAPS), failures);
            decodeOrRefuse(mutate(rnd, new byte[] {0, 1, 2, 2, 0, 0, 0}), b -> OkPacket.decode(b, CAPS), failures);
            decodeOrRefuse(mutate(rnd, "\u00ff\u0015\u0004#28000Access denied".getBytes(StandardCharsets.ISO_8859_1)),
                    ErrPacket::decode, failures);
            decodeOrRefuse(mutate(rnd, new byte[] {(byte) 0xFE, 'm', 'y', 0, 1, 2, 3}), AuthSwitchRequest::decode,
                    failures);
            decodeOrRefuse(mutate(rnd, new byte[] {3, 'd', 'e', 'f', 0, 0, 0, 1, 'a', 0, 0x0C, 45, 0, 0, 0, 0, 3,
                    0, 0, 0, 0, 0}), b -> ColumnDefinition.decode(b, CAPS), failures);
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void theReplyTrackerSurvivesAnyByteStream() {
        Random rnd = new Random(SEED + 1);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ITERATIONS / 4; i++) {
            ReplyTracker t = new ReplyTracker(CAPS, (reply, end) -> { });
            t.expect(rnd.nextBoolean() ? 0x03 : 0x16);
            byte[] noise = new byte[rnd.nextInt(200)];
            rnd.nextBytes(noise);
            if (noise.length > 4 && rnd.nextBoolean()) {
                int len = noise.length - 4;                       // a well-framed packet with a random body
                noise[0] = (byte) len;
                noise[1] = (byte) (len >> 8);
                noise[2] = 0;
            }
            decodeOrRefuse(noise, t::scan, failures);
        }
        assertThat(failures).isEmpty();
    }
}
