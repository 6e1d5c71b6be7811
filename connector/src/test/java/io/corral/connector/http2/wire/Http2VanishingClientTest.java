package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http2.Http2FrameWriter;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.http2.hpack.HpackEncoder;
import io.corral.connector.listener.Await;
import io.corral.connector.stream.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12's clients that vanish at every phase, on HTTP/2 (native engine): mid-preface, mid-frame (in a frame's
 * 9-octet header and in its payload), mid-field-block (HEADERS without END_HEADERS, the CONTINUATION never sent),
 * mid-body and mid-response, each by a FIN and by a reset. Each time the connection ends and is forgotten — the
 * listener counts no connection left —, a handler reading the cut body gets an {@link IOException} rather than a
 * body that looks whole, a handler writing to the vanished client gets one rather than waiting forever for flow
 * control window, and the next client is served.
 */
class Http2VanishingClientTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Far more than the initial 65,535-octet window, so the handler is still writing when the client vanishes. */
    private static final int BIG = 1 << 20;

    /** Where the client stops. */
    enum Phase {
        MID_PREFACE, MID_FRAME_HEADER, MID_FRAME_PAYLOAD, MID_FIELD_BLOCK, MID_BODY, MID_RESPONSE
    }

    /** How it stops: a FIN, or a reset (SO_LINGER 0). */
    enum Vanish {
        FIN, RESET
    }

    private final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
    private final CountDownLatch handlerStarted = new CountDownLatch(1);
    private H2TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = new H2TestServer(Http2Config.DEFAULTS, this::handle);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void handle(HttpExchange exchange) throws Exception {
        switch (exchange.request().target()) {
            case "/upload" -> {
                handlerStarted.countDown();
                try {
                    byte[] body = exchange.body().asInputStream().readAllBytes();
                    outcomes.add("read a body of " + body.length + " octets");
                } catch (IOException e) {
                    outcomes.add("body read failed");
                    throw e;
                }
            }
            case "/big" -> {
                handlerStarted.countDown();
                try {
                    exchange.response().write(ByteBuffer.allocate(BIG), true);
                    outcomes.add("wrote the whole response");
                } catch (IOException e) {
                    outcomes.add("write failed");
                    throw e;
                }
            }
            default -> exchange.response().write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), true);
        }
    }

    @ParameterizedTest(name = "by {0}")
    @EnumSource(Vanish.class)
    void midPreface(Vanish vanish) throws Exception {
        vanishAfter(Phase.MID_PREFACE, vanish);
    }

    @ParameterizedTest(name = "by {0}")
    @EnumSource(Vanish.class)
    void midFrameHeader(Vanish vanish) throws Exception {
        vanishAfter(Phase.MID_FRAME_HEADER, vanish);
    }

    @ParameterizedTest(name = "by {0}")
    @EnumSource(Vanish.class)
    void midFramePayload(Vanish vanish) throws Exception {
        vanishAfter(Phase.MID_FRAME_PAYLOAD, vanish);
    }

    @ParameterizedTest(name = "by {0}")
    @EnumSource(Vanish.class)
    void midFieldBlock(Vanish vanish) throws Exception {
        vanishAfter(Phase.MID_FIELD_BLOCK, vanish);
    }

    @ParameterizedTest(name = "by {0}")
    @EnumSource(Vanish.class)
    void midBodyTheHandlersReadFails(Vanish vanish) throws Exception {
        vanishAfter(Phase.MID_BODY, vanish);
        assertEquals("body read failed", outcomes.poll(WAIT.toSeconds(), TimeUnit.SECONDS),
                "a cut body never looks whole");
    }

    @ParameterizedTest(name = "by {0}")
    @EnumSource(Vanish.class)
    void midResponseTheHandlersWriteFails(Vanish vanish) throws Exception {
        vanishAfter(Phase.MID_RESPONSE, vanish);
        assertEquals("write failed", outcomes.poll(WAIT.toSeconds(), TimeUnit.SECONDS),
                "the writer does not wait for window from a client that is gone");
    }

    /**
     * A FIN after whole requests is a half-close, not a vanishing: as over HTTP/1.1, their answers still come (a
     * request cut by the FIN is reset, {@link #midBodyTheHandlersReadFails}).
     */
    @Test
    void aHalfClosedClientGetsTheAnswersToTheRequestsItSentWhole() throws Exception {
        try (H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/one"), true);
            client.request(3, get("/two"), true);
            client.shutdownOutput();
            // Read without answering (no WINDOW_UPDATE can be sent after the FIN): both responses, whole.
            Map<Integer, String> bodies = new TreeMap<>();
            Set<Integer> ended = new TreeSet<>();
            while (ended.size() < 2) {
                switch (client.next()) {
                    case Http2Frame.Data data -> {
                        String text = new String(data.data(), StandardCharsets.US_ASCII);
                        bodies.merge(data.streamId(), text, String::concat);
                        if (data.endStream()) {
                            ended.add(data.streamId());
                        }
                    }
                    case Http2Frame.RstStream reset -> throw new AssertionError("stream " + reset.streamId()
                            + " reset: " + Http2ErrorCode.nameOf(reset.errorCode()));
                    default -> {
                        // HEADERS, SETTINGS, WINDOW_UPDATE
                    }
                }
            }
            assertEquals(Map.of(1, "ok", 3, "ok"), bodies);
            client.assertClosed();
        }
    }

    private void vanishAfter(Phase phase, Vanish vanish) throws Exception {
        HpackEncoder encoder = new HpackEncoder();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            if (phase == Phase.MID_PREFACE) {
                out.write(Arrays.copyOf(H2Client.PREFACE, 10));
            } else {
                out.write(H2Client.PREFACE);
                out.write(Http2FrameWriter.toBytes(new Http2Frame.Settings(false, List.of())));
                // One encoder per connection, and only for blocks that are sent: its table must match the server's.
                switch (phase) {
                    case MID_FRAME_HEADER -> out.write(Http2FrameWriter.toBytes(new Http2Frame.Headers(1,
                            encoder.encode(get("/")), true, true)), 0, 5);
                    case MID_FRAME_PAYLOAD -> out.write(Http2FrameWriter.toBytes(new Http2Frame.Headers(1,
                            encoder.encode(get("/")), true, true)), 0, Http2Frame.HEADER_LENGTH + 2);
                    case MID_FIELD_BLOCK -> out.write(Http2FrameWriter.toBytes(new Http2Frame.Headers(1,
                            encoder.encode(get("/")), true, false)));
                    case MID_BODY -> {
                        List<HeaderField> post = List.of(new HeaderField(":method", "POST"),
                                new HeaderField(":scheme", "http"), new HeaderField(":path", "/upload"),
                                new HeaderField(":authority", "localhost"), new HeaderField("content-length", "100"));
                        out.write(Http2FrameWriter.toBytes(new Http2Frame.Headers(1, encoder.encode(post), false,
                                true)));
                        out.write(Http2FrameWriter.toBytes(new Http2Frame.Data(1, new byte[40], false)));
                    }
                    case MID_RESPONSE -> out.write(Http2FrameWriter.toBytes(new Http2Frame.Headers(1,
                            encoder.encode(get("/big")), true, true)));
                    default -> throw new AssertionError(phase);
                }
            }
            out.flush();
            if (phase == Phase.MID_BODY || phase == Phase.MID_RESPONSE) {
                assertTrue(handlerStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the handler runs");
            }
            if (phase == Phase.MID_RESPONSE) {
                // The response has begun: its first octets are on their way to the client.
                assertTrue(socket.getInputStream().read() >= 0);
            }
            if (vanish == Vanish.RESET) {
                socket.setSoLinger(true, 0);
            }
        }
        Await.until(WAIT, () -> server.listener().stats().active() == 0,
                () -> "the vanished client's connection to end: " + server.listener().stats());
        try (H2Client next = server.connect()) {
            next.handshake();
            next.request(1, get("/next"), true);
            assertEquals("ok", next.response(1).body(), "the next client is served");
        }
    }
}
