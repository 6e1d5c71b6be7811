package io.corral.jetty.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.jetty.ConnectorKind;
import io.corral.jetty.TestTls;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WebSocket over TLS ({@code wss:}) through the Jakarta bridge on both connectors, with the JDK's client trusting the
 * test certificate: the upgrade sees a secure request, and text and binary messages (one larger than a TLS record)
 * echo back whole.
 */
class WssEchoTest {

    @ServerEndpoint("/wss/echo")
    public static class Echo {
        @OnMessage(maxMessageSize = 1024 * 1024)
        public String text(String message, Session session) {
            return message + "|secure=" + session.isSecure() + "|" + session.getRequestURI().getScheme();
        }

        @OnMessage(maxMessageSize = 1024 * 1024)
        public ByteBuffer binary(ByteBuffer message) {
            return message;
        }

        /** The client ends the test by dropping the connection, on both connectors alike: not worth a WARN. */
        @OnError
        public void error(Throwable ignored) {
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void echoesOverWss(ConnectorKind kind) throws Exception {
        try (BridgeServer server = BridgeServer.on(kind).tls(TestTls.serverFactory()).jakartaEndpoints(Echo.class).start()) {
            HttpClient client = TestTls.httpClient(TestTls.clientContext(false));
            URI uri = URI.create("wss://localhost:" + server.port() + "/wss/echo");
            try (JdkWebSocket socket = JdkWebSocket.connect(client, uri, Map.of(), List.of())) {
                socket.socket().sendText("hello", true).get(JdkWebSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals("hello|secure=true|wss", socket.nextText());

                byte[] large = new byte[100_000]; // several TLS records each way
                new Random(6455).nextBytes(large);
                socket.socket().sendBinary(ByteBuffer.wrap(large), true)
                        .get(JdkWebSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertArrayEquals(large, socket.nextBinary());
            }
        }
    }
}
