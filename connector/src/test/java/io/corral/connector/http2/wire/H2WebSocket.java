package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.websocket.Frame;
import io.corral.connector.websocket.FrameParser;
import io.corral.connector.websocket.FrameWriter;
import io.corral.connector.websocket.Opcode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One stream of an {@link H2Client} used as RFC 8441 means it: an extended CONNECT, then WebSocket frames in DATA
 * frames both ways. Frames are built and parsed here, masked as a client must, so a test can send any frame, valid or
 * not; a test decides what the stream's end looks like ({@link #end()}: END_STREAM or RST_STREAM).
 */
final class H2WebSocket {

    /** How the server's side of the stream ended: END_STREAM, or RST_STREAM with its code. */
    sealed interface End {
    }

    record EndStream() implements End {
    }

    record Reset(int errorCode) implements End {
    }

    private static final int MASK_KEY = 0x37FA213D;

    private final H2Client client;
    private final int streamId;
    private final FrameParser parser = FrameParser.forClient(Integer.MAX_VALUE - 16, FrameParser.ANY_RSV);
    private final ByteBuffer in = ByteBuffer.allocate(1 << 20).flip();
    private End end;
    /** What the server lets us send, RFC 9113's initial 65,535 octets until it says more. */
    private long streamWindow = 65_535;
    private long connectionWindow = 65_535;

    private H2WebSocket(H2Client client, int streamId) {
        this.client = client;
        this.streamId = streamId;
    }

    /** The extended CONNECT's fields (RFC 8441 §5) for {@code path}, version 13, plus {@code extra} name-value pairs. */
    static List<HeaderField> connect(String path, String... extra) {
        List<HeaderField> fields = new ArrayList<>(List.of(new HeaderField(":method", "CONNECT"),
                new HeaderField(":protocol", "websocket"), new HeaderField(":scheme", "http"),
                new HeaderField(":path", path), new HeaderField(":authority", "localhost"),
                new HeaderField("sec-websocket-version", "13")));
        for (int i = 0; i < extra.length; i += 2) {
            fields.add(new HeaderField(extra[i], extra[i + 1]));
        }
        return fields;
    }

    /**
     * Sends the extended CONNECT on {@code streamId} and reads the answer's head: a 2xx must leave the stream open
     * (no END_STREAM), as RFC 8441 §5 makes it the tunnel.
     */
    static Opened open(H2Client client, int streamId, List<HeaderField> fields) throws IOException {
        client.request(streamId, fields, false);
        Http2Frame frame = client.nextMatching(f -> f.streamId() == streamId
                && (f instanceof Http2Frame.Headers || f instanceof Http2Frame.RstStream));
        if (frame instanceof Http2Frame.RstStream reset) {
            throw new AssertionError("stream " + streamId + " reset: " + Http2ErrorCode.nameOf(reset.errorCode()));
        }
        Http2Frame.Headers headers = (Http2Frame.Headers) frame;
        List<HeaderField> decoded = client.decoded(headers);
        int status = Integer.parseInt(decoded.getFirst().value());
        if (status / 100 == 2) {
            assertFalse(headers.endStream(), "a 2xx answer to an extended CONNECT leaves the stream open");
        }
        return new Opened(status, decoded, headers.endStream(), new H2WebSocket(client, streamId));
    }

    /** The answer to an extended CONNECT and, when it is a 2xx, the WebSocket on its stream. */
    record Opened(int status, List<HeaderField> headers, boolean endStream, H2WebSocket webSocket) {
        String header(String name) {
            return headers.stream().filter(f -> f.name().equals(name)).map(HeaderField::value).findFirst()
                    .orElse(null);
        }
    }

    int streamId() {
        return streamId;
    }

    /** A masked frame's bytes, as a client sends it (RFC 6455 §5.3). */
    static byte[] maskedFrame(boolean fin, int rsvBits, Opcode opcode, byte[] payload) {
        int headerLength = FrameWriter.headerLength(payload.length, true);
        byte[] frame = new byte[headerLength + payload.length];
        FrameWriter.encodeHeader(frame, 0, fin, rsvBits, opcode, payload.length, true, MASK_KEY);
        for (int i = 0; i < payload.length; i++) {
            frame[headerLength + i] = (byte) (payload[i] ^ (MASK_KEY >>> (24 - 8 * (i & 3))));
        }
        return frame;
    }

    static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text);
        return payload.array();
    }

    /**
     * Sends bytes (one or more frames, or part of one) in DATA frames of at most the default frame size, waiting for
     * WINDOW_UPDATE when the server's windows are spent (RFC 9113 §6.9). The connection window is counted as if this
     * stream were its only sender, which holds for the tests that send enough to spend it.
     */
    void sendRaw(byte[] bytes, boolean endStream) throws IOException {
        int offset = 0;
        do {
            while (Math.min(streamWindow, connectionWindow) <= 0) {
                Http2Frame.WindowUpdate update = (Http2Frame.WindowUpdate) client.nextMatching(f ->
                        f instanceof Http2Frame.WindowUpdate w && (w.streamId() == 0 || w.streamId() == streamId));
                if (update.streamId() == 0) {
                    connectionWindow += update.increment();
                } else {
                    streamWindow += update.increment();
                }
            }
            int n = Math.min(bytes.length - offset, Math.min(Http2Frame.DEFAULT_MAX_FRAME_SIZE,
                    (int) Math.min(streamWindow, connectionWindow)));
            boolean last = offset + n == bytes.length;
            client.send(new Http2Frame.Data(streamId, java.util.Arrays.copyOfRange(bytes, offset, offset + n),
                    endStream && last));
            streamWindow -= n;
            connectionWindow -= n;
            offset += n;
        } while (offset < bytes.length);
    }

    void sendFrame(boolean fin, int rsvBits, Opcode opcode, byte[] payload) throws IOException {
        sendRaw(maskedFrame(fin, rsvBits, opcode, payload), false);
    }

    void sendText(String text) throws IOException {
        sendFrame(true, 0, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendClose(int code, String reason) throws IOException {
        sendFrame(true, 0, Opcode.CLOSE, closePayload(code, reason));
    }

    /** Ends the client's side of the stream: END_STREAM, the tunnel's FIN. */
    void endStream() throws IOException {
        client.send(new Http2Frame.Data(streamId, new byte[0], true));
    }

    /** The next WebSocket frame the server sent on this stream, or null when the stream ended first. */
    Frame readFrame() throws IOException {
        while (true) {
            Frame frame = parser.parse(in);
            if (frame != null) {
                ByteBuffer payload = ByteBuffer.allocate(frame.payload().remaining());
                payload.put(frame.payload()).flip();
                return new Frame(frame.fin(), frame.rsv1(), frame.rsv2(), frame.rsv3(), frame.opcode(), frame.masked(),
                        frame.maskKey(), payload);
            }
            if (end != null) {
                return null;
            }
            Http2Frame next = client.nextMatching(f -> f.streamId() == streamId
                    && (f instanceof Http2Frame.Data || f instanceof Http2Frame.RstStream
                    || f instanceof Http2Frame.Headers));
            switch (next) {
                case Http2Frame.Data data -> {
                    in.compact().put(data.data()).flip();
                    if (data.flowControlledLength() > 0) {
                        // Give back what was read, so the server may always send more.
                        client.send(new Http2Frame.WindowUpdate(0, data.flowControlledLength()));
                        if (!data.endStream()) {
                            client.send(new Http2Frame.WindowUpdate(streamId, data.flowControlledLength()));
                        }
                    }
                    if (data.endStream()) {
                        end = new EndStream();
                    }
                }
                case Http2Frame.RstStream reset -> end = new Reset(reset.errorCode());
                default -> throw new AssertionError("unexpected frame on a WebSocket stream: " + next);
            }
        }
    }

    Frame expectFrame() throws IOException {
        Frame frame = readFrame();
        if (frame == null) {
            throw new AssertionError("stream " + streamId + " ended (" + end + "); a frame was expected");
        }
        return frame;
    }

    String expectText() throws IOException {
        Frame frame = expectFrame();
        if (frame.opcode() != Opcode.TEXT || !frame.fin()) {
            throw new AssertionError("expected a whole text frame, got " + frame);
        }
        return StandardCharsets.UTF_8.decode(frame.payload()).toString();
    }

    /** The close frame's code, skipping data frames before it. */
    int expectCloseCode() throws IOException {
        for (int i = 0; i < 10_000; i++) {
            Frame frame = expectFrame();
            if (frame.opcode() == Opcode.CLOSE) {
                return frame.payload().remaining() < 2 ? 1005 : frame.payload().getShort(frame.payload().position())
                        & 0xFFFF;
            }
        }
        throw new AssertionError("no close frame among 10000 frames");
    }

    /** Reads past any remaining frames until the server's side of the stream ends; says how. */
    End end() throws IOException {
        while (readFrame() != null) {
            // frames after the close frame: none expected, but not this method's concern
        }
        return end;
    }
}
