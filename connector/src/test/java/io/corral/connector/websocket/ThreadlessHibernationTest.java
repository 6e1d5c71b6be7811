package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.listener.Await;
import io.corral.connector.transport.TcpConnection;
import io.corral.connector.transport.TransportConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A quiet WebSocket on Corral's listener hibernates without a thread (the transport parks it on the
 * {@code Hibernator}) and carries on when bytes arrive: frames split across the wake-up, a close, server
 * sends to a hibernating connection — small ones straight through the socket buffer, large ones waking it —
 * and the idle timeout still reaching it.
 */
class ThreadlessHibernationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final WebSocketConfig QUICK = WebSocketConfig.DEFAULTS.withHibernateAfter(Duration.ofMillis(30))
            .withIdleTimeout(Duration.ZERO);

    /** A client socket after a completed handshake, wrapped in the raw frame client. */
    private static TestClient connect(EchoServer server) throws IOException {
        return server.connectRaw(WAIT);
    }

    private static boolean hibernating(EchoServer server) {
        for (TransportConnection connection : server.listener().connections()) {
            if (!((TcpConnection) connection).isHibernating()) {
                return false;
            }
        }
        return !server.listener().connections().isEmpty();
    }

    private static void awaitHibernation(EchoServer server) {
        Await.until(WAIT, () -> hibernating(server), "the connection to hibernate without a thread");
    }

    @Test
    @DisplayName("a quiet connection hibernates without a thread, and a frame split across the wake-up is read whole")
    void aFrameSplitAcrossTheWakeUp() throws Exception {
        try (EchoServer server = EchoServer.echoing(QUICK); TestClient client = connect(server)) {
            awaitHibernation(server);
            byte[] data = new byte[300];
            new Random(7).nextBytes(data);
            byte[] frame = TestClient.maskedFrame(true, 0, Opcode.BINARY, data);
            client.sendRaw(Arrays.copyOfRange(frame, 0, 3));          // wakes it inside the header
            Await.until(WAIT, () -> !hibernating(server), "the connection to wake");
            awaitHibernation(server);                                 // and hibernate again mid-frame
            client.sendRaw(Arrays.copyOfRange(frame, 3, 100));
            awaitHibernation(server);
            client.sendRaw(Arrays.copyOfRange(frame, 100, frame.length));
            Frame echo = client.expectFrame();
            assertArrayEquals(data, RecordingHandler.bytesOf(echo.payload()));
        }
    }

    @Test
    @DisplayName("a close frame wakes a hibernating connection and is answered (RFC 6455 §5.5.1)")
    void aCloseWakesIt() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (EchoServer server = new EchoServer(QUICK, () -> handler); TestClient client = connect(server)) {
            awaitHibernation(server);
            client.sendClose(CloseStatus.NORMAL, "bye");
            assertEquals(CloseStatus.NORMAL, client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.NORMAL, handler.awaitClosed().code());
            Await.until(WAIT, () -> server.listener().stats().active() == 0, "the connection to end");
        }
    }

    @Test
    @DisplayName("sends to a hibernating connection: small ones go straight out, a large one wakes it, all in order")
    void sendsToAHibernatingConnection() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (EchoServer server = new EchoServer(QUICK, () -> handler); TestClient client = connect(server)) {
            awaitHibernation(server);
            handler.session.sendText("small");
            assertEquals("small", client.expectText());
            assertTrue(hibernating(server), "a send that the socket buffer takes leaves the connection asleep");
            // Larger than any socket buffer: the sender must wake the connection and finish in blocking mode.
            byte[] large = new byte[8 * 1024 * 1024];
            new Random(3).nextBytes(large);
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    handler.session.sendBinary(ByteBuffer.wrap(large));
                    handler.session.sendText("after");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Frame frame = client.expectFrame();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            received.write(RecordingHandler.bytesOf(frame.payload()));
            while (!frame.fin()) {
                frame = client.expectFrame();
                received.write(RecordingHandler.bytesOf(frame.payload()));
            }
            assertArrayEquals(large, received.toByteArray());
            assertEquals("after", client.expectText());
            assertTrue(sender.join(WAIT));
            client.sendText("still reading");
            assertEquals("still reading", handler.nextText());
        }
    }

    @Test
    @DisplayName("the idle timeout still closes a hibernating connection (1001)")
    void theIdleTimeoutReachesIt() throws Exception {
        WebSocketConfig config = QUICK.withIdleTimeout(Duration.ofMillis(400));
        try (EchoServer server = EchoServer.echoing(config); TestClient client = connect(server)) {
            long start = System.nanoTime();
            awaitHibernation(server);
            assertEquals(CloseStatus.GOING_AWAY, client.expectClose().code());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(), "closed too early");
        }
    }

    @Test
    @DisplayName("a stopping listener ends hibernating connections and frees their slots")
    void aStopReachesIt() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        EchoServer server = new EchoServer(QUICK, () -> handler);
        try (TestClient client = connect(server)) {
            awaitHibernation(server);
            server.close();
            assertEquals(0, server.listener().stats().active());
            handler.awaitClosed();
        }
    }
}
