package io.corral.jetty.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.jetty.ConnectorKind;
import io.corral.connector.transport.Hibernator;
import io.corral.jetty.TestTls;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WebSocket over TLS ({@code wss:}) through the Jakarta bridge on both connectors, with the JDK's client trusting the
 * test certificate: the upgrade sees a secure request, text and binary messages (one larger than a TLS record)
 * echo back whole, and a quiet session (hibernating, on Corral) still gets what the application sends it.
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

    /** Keeps each session it opens, so that the test can send from its own thread as an application would. */
    @ServerEndpoint("/wss/push")
    public static class Push {
        static final BlockingQueue<Session> OPENED = new LinkedBlockingQueue<>();

        @OnOpen
        public void open(Session session) {
            OPENED.add(session);
        }

        @OnMessage
        public String text(String message) {
            return "echo:" + message;
        }

        @OnError
        public void error(Throwable ignored) {
        }
    }

    /**
     * A quiet wss session (on Corral hibernating: no thread, no record buffers) gets messages the application sends
     * from another thread — a small one, and one larger than any socket buffer, which must wake the connection to
     * finish — and answers the client's next message: the TLS record buffers come back as they are needed.
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aQuietWssSessionGetsPushesAndEchoesAgain(ConnectorKind kind) throws Exception {
        Push.OPENED.clear();
        try (BridgeServer server = BridgeServer.on(kind).tls(TestTls.serverFactory()).jakartaEndpoints(Push.class).start()) {
            HttpClient client = TestTls.httpClient(TestTls.clientContext(false));
            URI uri = URI.create("wss://localhost:" + server.port() + "/wss/push");
            try (JdkWebSocket socket = JdkWebSocket.connect(client, uri, Map.of(), List.of())) {
                Session session = Push.OPENED.poll(JdkWebSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                socket.socket().sendText("one", true).get(JdkWebSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals("echo:one", socket.nextText());
                if (kind == ConnectorKind.CORRAL) {
                    Deadline.await("the quiet wss connection to hibernate", JdkWebSocket.TIMEOUT,
                            () -> Hibernator.SHARED.parked() > 0);
                }
                session.getBasicRemote().sendText("pushed");
                assertEquals("pushed", socket.nextText());
                byte[] large = new byte[4 << 20];
                new Random(7692).nextBytes(large);
                session.getBasicRemote().sendBinary(ByteBuffer.wrap(large));
                assertArrayEquals(large, socket.nextBinary());

                socket.socket().sendText("two", true).get(JdkWebSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals("echo:two", socket.nextText());
            }
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
