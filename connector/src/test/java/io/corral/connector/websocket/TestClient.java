package io.corral.connector.websocket;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw WebSocket client for tests: sends whatever bytes or masked frames a test wants and reads the
 * server's frames with Corral's own client-role parser. Every read has a timeout, so a test that waits
 * for something that never comes fails instead of hanging.
 */
final class TestClient implements AutoCloseable {

    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** A close frame as received. */
    record CloseFrame(int code, String reason) {}

    private final SocketConnection connection;
    private final FrameWriter writer = new FrameWriter(Role.CLIENT);
    private final FrameParser parser = FrameParser.forClient(Integer.MAX_VALUE - 16, FrameParser.ANY_RSV);
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();

    TestClient(Socket socket) throws IOException {
        this.connection = new SocketConnection(socket);
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    }

    SocketConnection connection() {
        return connection;
    }

    void sendRaw(byte[] bytes) throws IOException {
        connection.write(bytes, 0, bytes.length);
    }

    void sendFrame(boolean fin, int rsvBits, Opcode opcode, byte[] payload) throws IOException {
        writer.write(connection, fin, rsvBits, opcode, payload, 0, payload.length);
    }

    void sendFrame(boolean fin, Opcode opcode, byte[] payload) throws IOException {
        sendFrame(fin, 0, opcode, payload);
    }

    void sendText(String text) throws IOException {
        sendFrame(true, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendClose(int code, String reason) throws IOException {
        byte[] payload = MessageSender.closePayload(code, reason);
        sendFrame(true, Opcode.CLOSE, payload);
    }

    /** A masked frame's bytes, to split or combine freely. */
    static byte[] maskedFrame(boolean fin, int rsvBits, Opcode opcode, byte[] payload) {
        int maskKey = 0x37FA213D;
        int headerLength = FrameWriter.headerLength(payload.length, true);
        byte[] frame = new byte[headerLength + payload.length];
        FrameWriter.encodeHeader(frame, 0, fin, rsvBits, opcode, payload.length, true, maskKey);
        System.arraycopy(payload, 0, frame, headerLength, payload.length);
        Masking.apply(frame, headerLength, frame.length, maskKey, 0);
        return frame;
    }

    /** The next frame from the server, or null when it closed TCP. */
    Frame readFrame() throws IOException {
        while (true) {
            Frame frame = parser.parse(in);
            if (frame != null) {
                return copy(frame);
            }
            in.compact();
            int n;
            try {
                n = connection.read(in.array(), in.position(), in.remaining());
            } finally {
                in.flip();
            }
            if (n < 0) {
                return null;
            }
            in.limit(in.limit() + n);
        }
    }

    /** Frames alias the read buffer; tests keep them, so they get their own copy. */
    private static Frame copy(Frame frame) {
        ByteBuffer payload = ByteBuffer.allocate(frame.payload().remaining());
        payload.put(frame.payload()).flip();
        return new Frame(frame.fin(), frame.rsv1(), frame.rsv2(), frame.rsv3(), frame.opcode(), frame.masked(), frame.maskKey(), payload);
    }

    /** The next frame, which must exist. */
    Frame expectFrame() throws IOException {
        Frame frame = readFrame();
        if (frame == null) {
            throw new AssertionError("server closed TCP; a frame was expected");
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

    /** Skips data frames up to the server's close frame. */
    CloseFrame expectClose() throws IOException {
        for (int i = 0; i < 100_000; i++) {
            Frame frame = readFrame();
            if (frame == null) {
                throw new AssertionError("server closed TCP without a close frame");
            }
            if (frame.opcode() == Opcode.CLOSE) {
                return closeFrame(frame);
            }
        }
        throw new AssertionError("no close frame among 100000 frames");
    }

    /**
     * What a client does when the server fails the connection: reads up to the close frame, sees the
     * server shut its side (the server lingers until then), and closes.
     */
    CloseFrame expectCloseThenEnd() throws IOException {
        CloseFrame close = expectClose();
        if (!awaitEndOfStream()) {
            throw new AssertionError("server did not close TCP after its close frame " + close);
        }
        close();
        return close;
    }

    static CloseFrame closeFrame(Frame frame) {
        ByteBuffer payload = frame.payload();
        if (payload.remaining() < 2) {
            return new CloseFrame(CloseStatus.NO_STATUS, "");
        }
        int code = payload.getShort(payload.position()) & 0xFFFF;
        String reason = StandardCharsets.UTF_8.decode(payload.slice(payload.position() + 2, payload.remaining() - 2)).toString();
        return new CloseFrame(code, reason);
    }

    /** Whether the server closes TCP (end of stream) before the read timeout, skipping any frames. */
    boolean awaitEndOfStream() throws IOException {
        try {
            for (int i = 0; i < 100_000; i++) {
                if (readFrame() == null) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;                              // reset: closed as well
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
