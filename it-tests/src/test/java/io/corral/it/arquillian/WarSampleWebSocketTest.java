package io.corral.it.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.it.websocket.RecordingListener;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The war-sample's WebSocket endpoints through the JDK {@link WebSocket} client: {@code /ws/echo} sends
 * every text and binary message back as one message of the same type, and {@code /ws/chat/{room}}
 * broadcasts JSON chat messages to the members of a room only.
 */
@ExtendWith(ArquillianExtension.class)
public class WarSampleWebSocketTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    @ArquillianResource
    private URL base;

    private final List<WebSocket> opened = new ArrayList<>();

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return WarSampleDeployment.create("ws-sample.war");
    }

    @AfterEach
    void closeSockets() {
        for (WebSocket socket : opened) {
            socket.abort();
        }
    }

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536 - 1024})
    void echoSendsTextBackAsText(int length) throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket socket = connect("ws/echo", listener);
        String message = "é".repeat(length / 2) + "x".repeat(length % 2);
        socket.sendText(message, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(message, listener.nextText(TIMEOUT));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536 - 1024})
    void echoSendsBinaryBackAsBinary(int length) throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket socket = connect("ws/echo", listener);
        byte[] message = new byte[length];
        new Random(length).nextBytes(message);
        socket.sendBinary(ByteBuffer.wrap(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(ByteBuffer.wrap(message), listener.nextBinary(TIMEOUT));
    }

    @Test
    void echoReassemblesAFragmentedMessageAndKeepsTypesApart() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket socket = connect("ws/echo", listener);
        socket.sendText("frag", false).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        socket.sendText("mented", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        socket.sendText("last", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("fragmented", listener.nextText(TIMEOUT));
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), listener.nextBinary(TIMEOUT));
        assertEquals("last", listener.nextText(TIMEOUT));
    }

    @Test
    void echoAnswersACloseWithTheSameStatus() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket socket = connect("ws/echo", listener);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        RecordingListener.Closed closed = (RecordingListener.Closed) listener.next(TIMEOUT);
        assertEquals(WebSocket.NORMAL_CLOSURE, closed.status());
    }

    @Test
    void chatBroadcastsToEveryMemberOfTheRoomAndNoOneElse() throws Exception {
        RecordingListener ann = new RecordingListener();
        RecordingListener bob = new RecordingListener();
        RecordingListener eve = new RecordingListener();
        WebSocket annSocket = connect("ws/chat/kitchen", ann);
        connect("ws/chat/kitchen", bob);
        WebSocket eveSocket = connect("ws/chat/garden", eve);
        // The greeting is sent after the member is registered: once seen, no broadcast can be missed.
        assertEquals("{\"from\":\"server\",\"text\":\"joined kitchen\"}", ann.nextText(TIMEOUT));
        assertEquals("{\"from\":\"server\",\"text\":\"joined kitchen\"}", bob.nextText(TIMEOUT));
        assertEquals("{\"from\":\"server\",\"text\":\"joined garden\"}", eve.nextText(TIMEOUT));

        annSocket.sendText("{\"from\":\"ann\",\"text\":\"dinner is \\\"ready\\\"\"}", true)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        String expected = "{\"from\":\"ann\",\"text\":\"dinner is \\\"ready\\\"\"}";
        assertEquals(expected, bob.nextText(TIMEOUT));
        assertEquals(expected, ann.nextText(TIMEOUT), "the sender is a member too");

        // Eve is in another room: the next thing she hears is her own message, not Ann's. (Ann's broadcast
        // was queued to every kitchen member before Bob received it, so a leak would already be ahead.)
        eveSocket.sendText("{\"from\":\"eve\",\"text\":\"anyone?\"}", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("{\"from\":\"eve\",\"text\":\"anyone?\"}", eve.nextText(TIMEOUT));
    }

    @Test
    @DisplayName("Unreadable chat JSON closes that member's session with 1003 (cannot accept); the room carries on")
    void chatClosesTheSessionOfAMemberSendingUnreadableJson() throws Exception {
        RecordingListener carl = new RecordingListener();
        RecordingListener dora = new RecordingListener();
        WebSocket carlSocket = connect("ws/chat/attic", carl);
        WebSocket doraSocket = connect("ws/chat/attic", dora);
        assertEquals("{\"from\":\"server\",\"text\":\"joined attic\"}", carl.nextText(TIMEOUT));
        assertEquals("{\"from\":\"server\",\"text\":\"joined attic\"}", dora.nextText(TIMEOUT));

        carlSocket.sendText("not json", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1003, ((RecordingListener.Closed) carl.next(TIMEOUT)).status());

        doraSocket.sendText("{\"text\":\"still here\"}", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("{\"from\":\"anonymous\",\"text\":\"still here\"}", dora.nextText(TIMEOUT));
    }

    private WebSocket connect(String path, RecordingListener listener) throws Exception {
        URI http = URI.create(base.toString()).resolve(path);
        URI ws = new URI("ws", null, http.getHost(), http.getPort(), http.getPath(), null, null);
        WebSocket socket = CLIENT.newWebSocketBuilder()
                .connectTimeout(TIMEOUT)
                .buildAsync(ws, listener)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        opened.add(socket);
        return socket;
    }
}
