package io.corral.it.demo;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.demo.ConnectorKind;
import io.corral.jetty.demo.CorralDemo;
import io.corral.jetty.demo.DemoOptions;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The war-sample chat's promise, on both connectors: "one slow reader never holds up the sender or the
 * other members". One member of the room completes its handshake and then never reads a byte; another
 * member sends a few MiB of chat through the room and must get every message back promptly.
 */
class ChatSlowMemberTest {

    static final int MESSAGES = 200;
    /** 200 × 16 KiB: far more than the stalled member's socket buffers take. */
    static final int TEXT_SIZE = 16 * 1024;

    /** Collects whole text messages. */
    static final class Collector implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }

    /** A member that completes the handshake, then never reads again. */
    private static Socket stalledMember(int port, String path) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(16 * 1024);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            assertTrue(next >= 0, "closed during the handshake: " + head);
            head.append((char) next);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
        return socket;
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a member that stops reading holds up neither the sender nor the rest of the room")
    void aSlowMemberHoldsUpNoOne(ConnectorKind kind) throws Exception {
        Path war = Path.of(System.getProperty("war.sample.file"));
        Server server = CorralDemo.start(new DemoOptions("127.0.0.1", 0, kind, war));
        try (HttpClient client = HttpClient.newHttpClient()) {
            int port = ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
            String path = "/ws/chat/slow-" + kind.name().toLowerCase();
            try (Socket stalled = stalledMember(port, path)) {
                Collector collector = new Collector();
                WebSocket sender = client.newWebSocketBuilder()
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + path), collector).get(20, TimeUnit.SECONDS);
                String joined = collector.texts.poll(20, TimeUnit.SECONDS);
                assertNotNull(joined, "no join notice");
                assertTrue(joined.contains("joined"), joined);

                String filler = "x".repeat(TEXT_SIZE);
                long start = System.nanoTime();
                for (int i = 0; i < MESSAGES; i++) {
                    sender.sendText("{\"from\":\"ann\",\"text\":\"" + i + " " + filler + "\"}", true)
                            .get(20, TimeUnit.SECONDS);
                }
                for (int i = 0; i < MESSAGES; i++) {
                    String echoed = collector.texts.poll(20, TimeUnit.SECONDS);
                    assertNotNull(echoed, "message " + i + " never came back: the room is held up");
                    assertTrue(echoed.contains("\"" + i + " x"), "message " + i + " out of order: "
                            + echoed.substring(0, Math.min(60, echoed.length())));
                }
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(tookMs < 20_000, "the room took " + tookMs + " ms");
                sender.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(20, TimeUnit.SECONDS);
            }
        } finally {
            server.stop();
        }
    }
}
