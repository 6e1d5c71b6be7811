package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.transport.TransportConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader on thousands of generated inputs — valid frame sequences, the same with random bytes
 * flipped, and plain noise: whatever the bytes, reading ends in messages and then end of stream or a
 * {@link WebSocketException} with a close code (never another exception), the outcome does not depend on
 * how the bytes were cut into reads nor on the reader hibernating at read timeouts between them, and no
 * message buffer grows past the message limit.
 */
class ReaderRandomInputTest {

    private static final WebSocketConfig SMALL = WebSocketConfig.DEFAULTS.withMaxFrameSize(600).withMaxMessageSize(1500);
    private static final WebSocketConfig SMALL_NEVER_HIBERNATING = SMALL.withHibernateAfter(Duration.ZERO);

    /** How the input is cut into reads. */
    private enum Cuts {
        /** As much as the reader asks for. */
        WHOLE,
        /** One byte at a time. */
        BYTES,
        /** Pieces of 1 to 64 bytes. */
        RANDOM,
        /** Pieces of 1 to 64 bytes, each after a read timeout at which the reader hibernates. */
        RANDOM_AFTER_TIMEOUTS
    }
    private static final Opcode[] OPCODES = Opcode.values();

    /** Hands out the input in the given pieces, whatever length the reader asks for. */
    private static final class ScriptedConnection implements TransportConnection {
        private final byte[] input;
        private final Random random;
        private final Cuts cuts;
        private int position;
        private boolean timedOut;

        ScriptedConnection(byte[] input, long seed, Cuts cuts) {
            this.input = input;
            this.random = new Random(seed);
            this.cuts = cuts;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws SocketTimeoutException {
            if (position == input.length) {
                return -1;
            }
            if (cuts == Cuts.RANDOM_AFTER_TIMEOUTS && !timedOut) {
                timedOut = true;
                throw new SocketTimeoutException("scripted read timeout");
            }
            timedOut = false;
            int piece = switch (cuts) {
                case WHOLE -> input.length;
                case BYTES -> 1;
                case RANDOM, RANDOM_AFTER_TIMEOUTS -> 1 + random.nextInt(64);
            };
            int n = Math.min(Math.min(piece, length), input.length - position);
            System.arraycopy(input, position, buffer, offset, n);
            position += n;
            return n;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {}

        @Override
        public void setReadTimeout(Duration timeout) {}

        @Override
        public void shutdownOutput() {}

        @Override
        public InetSocketAddress localAddress() {
            return null;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    /** Everything the reader produced, as text, so that two runs compare with one assertEquals. */
    private static String read(byte[] input, DeflateParameters deflate, long seed, Cuts cuts, WebSocketConfig config) {
        MessageReader reader = new MessageReader(new ScriptedConnection(input, seed, cuts), config, deflate);
        StringBuilder outcome = new StringBuilder();
        try {
            for (int i = 0; i < 10_000; i++) {
                InboundMessage message;
                try {
                    message = reader.next();
                } catch (SocketTimeoutException e) {
                    reader.hibernate();              // as the connection does once it has been quiet long enough
                    continue;
                }
                assertTrue(reader.heldMessageBytes() <= SMALL.maxMessageSize() + FrameWriter.CHUNK_SIZE,
                        "held " + reader.heldMessageBytes());
                if (message == null) {
                    return outcome.append("EOF").toString();
                }
                outcome.append(switch (message) {
                    case InboundMessage.Text text -> "text:" + text.text();
                    case InboundMessage.Binary binary -> "binary:" + HexFormat.of().formatHex(RecordingHandler.bytesOf(binary.data()));
                    case InboundMessage.Ping ping -> "ping:" + HexFormat.of().formatHex(ping.payload());
                    case InboundMessage.Pong pong -> "pong:" + HexFormat.of().formatHex(pong.payload());
                    case InboundMessage.Close close -> "close:" + close.code() + ":" + close.reason();
                }).append('\n');
                if (message instanceof InboundMessage.Close) {
                    return outcome.append("CLOSED").toString();
                }
            }
            throw new AssertionError("no progress after 10000 messages");
        } catch (WebSocketException e) {
            assertTrue(CloseStatus.isValidOnWire(e.closeCode()), "close code " + e.closeCode());
            return outcome.append("FAIL ").append(e.closeCode()).toString();
        } catch (IOException e) {
            throw new AssertionError("only WebSocketException may end reading", e);
        } finally {
            reader.release();
        }
    }

    private static byte[] generate(Random random, DeflateTestCodec codec) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int frames = 1 + random.nextInt(8);
        for (int f = 0; f < frames; f++) {
            Opcode opcode = OPCODES[random.nextInt(OPCODES.length)];
            byte[] payload = new byte[random.nextInt(opcode.isControl() ? 130 : 700)];
            if (random.nextBoolean()) {
                byte[] text = "héllo wörld ✓ ".repeat(60).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(text, 0, payload, 0, Math.min(text.length, payload.length));
            } else {
                random.nextBytes(payload);
            }
            int rsv = 0;
            if (codec != null && !opcode.isControl() && random.nextInt(3) == 0) {
                payload = codec.compress(payload);
                rsv = FrameParser.RSV1;
            }
            stream.writeBytes(TestClient.maskedFrame(opcode.isControl() || random.nextInt(4) != 0, rsv, opcode, payload));
        }
        byte[] bytes = stream.toByteArray();
        int mutations = random.nextInt(3);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @DisplayName("generated and mutated frame streams: same outcome for any read sizes, only close codes as failures")
    void generatedStreams(boolean compression) {
        Random random = new Random(compression ? 17 : 29);
        DeflateParameters deflate = compression ? new DeflateParameters(true, true, false) : null;
        List<String> outcomes = new ArrayList<>();
        for (int run = 0; run < 1500; run++) {
            DeflateTestCodec codec = compression ? new DeflateTestCodec() : null;
            byte[] input;
            try {
                input = random.nextInt(10) == 0 ? noise(random) : generate(random, codec);
            } finally {
                if (codec != null) {
                    codec.end();
                }
            }
            String whole = read(input, deflate, run, Cuts.WHOLE, SMALL_NEVER_HIBERNATING);
            assertEquals(whole, read(input, deflate, run, Cuts.WHOLE, SMALL), "starting hibernated, run " + run);
            assertEquals(whole, read(input, deflate, run, Cuts.BYTES, SMALL), "byte at a time, run " + run);
            assertEquals(whole, read(input, deflate, run, Cuts.RANDOM, SMALL_NEVER_HIBERNATING), "random pieces, run " + run);
            assertEquals(whole, read(input, deflate, run, Cuts.RANDOM_AFTER_TIMEOUTS, SMALL),
                    "random pieces, hibernating before each, run " + run);
            outcomes.add(whole.substring(whole.lastIndexOf('\n') + 1));
        }
        // The generator must reach every ending, or the test proves little.
        assertTrue(outcomes.contains("EOF"));
        assertTrue(outcomes.contains("CLOSED"));
        assertTrue(outcomes.contains("FAIL 1002"));
        assertTrue(outcomes.contains("FAIL 1007"));
        assertTrue(outcomes.contains("FAIL 1009"));
    }

    private static byte[] noise(Random random) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        return bytes;
    }
}
