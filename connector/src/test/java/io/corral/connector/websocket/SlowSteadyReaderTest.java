package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The send timeout means "no progress for that long": one message far larger than the socket buffers, sent to
 * a client that reads slowly but steadily for several send timeouts, arrives whole; the sender is not cut
 * while bytes keep moving (a client that stops reading is, see {@link SlowReaderTest}).
 */
class SlowSteadyReaderTest {

    /**
     * Two seconds: the kernel wakes a writer blocked on a full send buffer only once a good part of it has
     * drained (on loopback, buffers grow to megabytes), so even a steady reader shows progress in bursts.
     */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(2);
    static final int MESSAGE_SIZE = 24 * 1024 * 1024;
    /** The client's pace: this many bytes, then a pause of a fortieth of the send timeout. */
    static final int READ_STEP = 256 * 1024;
    static final long PAUSE_NANOS = Duration.ofMillis(50).toNanos();

    /** Answers any text with one binary message of {@link #MESSAGE_SIZE} bytes whose byte i is (byte) i. */
    private static WebSocketHandler largeSender() {
        return new WebSocketHandler() {
            @Override
            public void onText(WebSocketSession session, String message) throws IOException {
                ByteBuffer payload = ByteBuffer.allocate(MESSAGE_SIZE);
                for (int i = 0; i < MESSAGE_SIZE; i++) {
                    payload.put(i, (byte) i);
                }
                session.sendBinary(payload);
            }
        };
    }

    @Test
    @DisplayName("a 24 MiB message to a slow but steady reader is not cut by a 2 s send timeout")
    void slowButSteadyReaderGetsTheWholeMessage() throws Exception {
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withSendTimeout(SEND_TIMEOUT)
                .withMaxMessageSize(MESSAGE_SIZE).withMaxFrameSize(MESSAGE_SIZE);
        try (EchoServer server = new EchoServer(config, SlowSteadyReaderTest::largeSender);
             Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                assertTrue(b >= 0, "no handshake answer");
                head.write(b);
            }
            socket.getOutputStream().write(TestClient.maskedFrame(true, 0, Opcode.TEXT, "send".getBytes(StandardCharsets.UTF_8)));
            long received = 0;
            long mismatches = 0;
            long start = System.nanoTime();
            // The client's own lateness: how long past its pace it was in coming back to read. On a loaded 2-core
            // machine (load 20-40) the reading thread itself can go unscheduled for seconds; a cut then is the send
            // timeout doing its job on a reader that did stop, which this test is not about.
            long lastRead = start;
            long worstLateness = 0;
            byte[] step = new byte[READ_STEP];
            boolean fin = false;
            while (!fin) {
                worstLateness = Math.max(worstLateness, System.nanoTime() - lastRead - PAUSE_NANOS);
                byte[] frameHead = in.readNBytes(2);
                lastRead = System.nanoTime();
                cutOnlyIfTheClientKeptPace(frameHead.length < 2, received, worstLateness);
                assertEquals(2, frameHead.length, "cut after " + received + " bytes, the client at most "
                        + worstLateness / 1_000_000 + " ms late to read");
                fin = (frameHead[0] & 0x80) != 0;
                long length = frameHead[1] & 0x7F;
                int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
                if (extra > 0) {
                    length = 0;
                    for (byte b : in.readNBytes(extra)) {
                        length = (length << 8) | (b & 0xFF);
                    }
                }
                for (long left = length; left > 0; ) {
                    int want = (int) Math.min(READ_STEP, left);
                    worstLateness = Math.max(worstLateness, System.nanoTime() - lastRead - PAUSE_NANOS);
                    int n = in.readNBytes(step, 0, want);
                    lastRead = System.nanoTime();
                    cutOnlyIfTheClientKeptPace(n < want, received + n, worstLateness);
                    assertEquals(want, n, "cut after " + (received + n) + " of " + MESSAGE_SIZE + " bytes, "
                            + (System.nanoTime() - start) / 1_000_000 + " ms in, the client at most "
                            + worstLateness / 1_000_000 + " ms late to read");
                    for (int i = 0; i < n; i++) {
                        if (step[i] != (byte) (received + i)) {
                            mismatches++;
                        }
                    }
                    received += n;
                    left -= n;
                    long due = System.nanoTime() + PAUSE_NANOS; // the client's pace, not a wait for an event
                    while (System.nanoTime() - due < 0) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                }
            }
            long elapsed = System.nanoTime() - start;
            assertEquals(MESSAGE_SIZE, received);
            assertEquals(0, mismatches, "payload bytes out of place");
            assertTrue(elapsed > 3 * SEND_TIMEOUT.toNanos(), "took only " + elapsed / 1_000_000 + " ms: proves nothing");
        }
    }

    /**
     * A cut after the client itself was late to read by half the send timeout or more is the send timeout doing its
     * job on a reader that did stop (the reading thread went unscheduled on an overloaded machine): such a run proves
     * nothing either way, and says so rather than fail.
     */
    private static void cutOnlyIfTheClientKeptPace(boolean cut, long received, long worstLatenessNanos) {
        if (cut && worstLatenessNanos >= SEND_TIMEOUT.toNanos() / 2) {
            Assumptions.abort("cut after " + received + " bytes, but the client itself was "
                    + worstLatenessNanos / 1_000_000 + " ms late to read once (the machine is overloaded): "
                    + "this run proves nothing either way");
        }
    }
}
