package io.corral.jetty.websocket;

import static io.corral.jetty.websocket.RawWebSocket.BINARY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.ConnectorKind;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A close the client can read: when the server closes after an over-size message (1009) while the client
 * is still sending it, Corral shuts its output after the close frame and reads and drops the rest of the
 * client's bytes (bounded in bytes and time) instead of resetting the connection, which could destroy the
 * close frame before the client reads it (RFC 6455 §7.1.1: the server closes TCP after the close handshake,
 * and §7.1.7 asks the client to read the close). Corral only: {@code ServerConnector} resets such clients
 * (see the README's "What differs").
 */
class LingeringCloseBridgeTest {

    static final int LIMIT = 64 * 1024;
    static final int MESSAGE = 16 * 1024 * 1024;
    private static final byte[] OVERSIZE_FRAME = RawWebSocket.frame(true, 0, BINARY, new byte[MESSAGE]);

    @ServerEndpoint("/limited")
    public static class Limited {
        @OnMessage(maxMessageSize = LIMIT)
        public ByteBuffer binary(ByteBuffer message) {
            return message;
        }
    }

    private static BridgeServer server;

    @BeforeAll
    static void start() throws Exception {
        server = BridgeServer.on(ConnectorKind.CORRAL).jakartaEndpoints(Limited.class).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @RepeatedTest(5)
    @DisplayName("a 16 MiB message against a 64 KiB limit: the client sends it whole, reads 1009, and TCP ends cleanly")
    void theClientStillSendingReadsTheCloseCode() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(server.port())) {
            client.open("/limited");
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    client.send(OVERSIZE_FRAME);
                } catch (Exception e) {
                    throw new IllegalStateException("the server reset the client while it was sending", e);
                }
            });
            assertEquals(1009, client.expectClose().closeCode());
            sent.get(30, TimeUnit.SECONDS); // every byte was taken, none reset
            client.send(RawWebSocket.closeFrame(1009, ""));
            assertTrue(client.awaitEndOfStream(), "TCP still open after the close handshake");
        }
    }
}
