package io.corral.jetty.websocket;

import static io.corral.jetty.websocket.RawWebSocket.CLOSE;
import static io.corral.jetty.websocket.RawWebSocket.PING;
import static io.corral.jetty.websocket.RawWebSocket.PONG;
import static io.corral.jetty.websocket.RawWebSocket.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.websocket.ControlFrameRate;
import io.corral.jetty.ConnectorKind;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The control-frame rate on the Jakarta bridge ({@code CorralConnector.setWebSocketMaxControlFramesPerSecond},
 * default 100 a second), side by side with ServerConnector, which has none: 500 pings sent at once are all answered
 * by ServerConnector, while Corral answers those within the rate and closes the session with 1008 (README, what
 * differs). Below the rate both answer every ping and keep the session.
 */
class ControlFrameRateBridgeTest {

    private static final int FLOOD = 500;

    @ServerEndpoint("/rate/echo")
    public static class Echo {
        @OnMessage
        public String text(String message) {
            return message;
        }
    }

    private static BridgeServers servers;

    @BeforeAll
    static void start() throws Exception {
        servers = BridgeServers.start(builder -> builder.jakartaEndpoints(Echo.class));
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    private static byte[] pings(int count) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            bytes.writeBytes(frame(true, 0, PING, new byte[] {(byte) i}));
        }
        return bytes.toByteArray();
    }

    private static RawWebSocket open(ConnectorKind kind) throws IOException {
        RawWebSocket client = RawWebSocket.connect(servers.on(kind).port());
        client.open("/rate/echo");
        return client;
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("500 pings at once: ServerConnector answers them all; Corral answers those within the rate, then 1008")
    void aPingFlood(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind)) {
            client.send(pings(FLOOD));
            int pongs = 0;
            RawWebSocket.ServerFrame frame = null;
            for (int i = 0; i < FLOOD; i++) {
                frame = client.readFrame();
                if (frame.opcode() != PONG) {
                    break;
                }
                pongs++;
            }
            if (kind == ConnectorKind.JETTY) {
                assertEquals(FLOOD, pongs, "ServerConnector has no control-frame rate");
                client.sendText("still open");
                assertEquals("still open", client.expectText());
            } else {
                assertEquals(CLOSE, frame.opcode(), frame.toString());
                assertEquals(1008, frame.closeCode(), frame.toString());
                assertTrue(pongs >= ControlFrameRate.DEFAULT_MAX_PER_SECOND && pongs < FLOOD,
                        "the pings within the rate are answered, not all: " + pongs);
                assertTrue(client.awaitEndOfStream(), "TCP closed after the 1008");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("100 pings at once, within Corral's default rate: both answer every one and keep the session")
    void withinTheRate(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind)) {
            client.send(pings(ControlFrameRate.DEFAULT_MAX_PER_SECOND));
            for (int i = 0; i < ControlFrameRate.DEFAULT_MAX_PER_SECOND; i++) {
                assertEquals(PONG, client.readFrame().opcode(), "pong " + i);
            }
            client.sendText("still open");
            assertEquals("still open", client.expectText());
        }
    }
}
