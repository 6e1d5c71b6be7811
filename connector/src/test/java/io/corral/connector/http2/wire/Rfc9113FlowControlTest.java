package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §5.2 Flow Control and §6.9 WINDOW_UPDATE on the wire: Corral never sends past the client's windows,
 * follows SETTINGS_INITIAL_WINDOW_SIZE changes, reopens its own windows as handlers read, refuses a client that
 * overruns them, and ends a stream stuck at a zero window after the stall timeout.
 */
class Rfc9113FlowControlTest {

    private static final byte[] BODY = "0123456789abcdefghijklmno".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static H2TestServer bodyServer(Http2Config config) throws Exception {
        return new H2TestServer(config, exchange -> exchange.response().write(ByteBuffer.wrap(BODY), true));
    }

    @Test
    void theServerSendsNoMoreThanTheStreamWindowUntilAWindowUpdate() throws Exception {
        try (H2TestServer server = bodyServer(Http2Config.DEFAULTS); H2Client client = server.connect()) {
            client.handshake(new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, 10));
            client.request(1, get("/"), true);
            client.nextMatching(f -> f instanceof Http2Frame.Headers && f.streamId() == 1);
            Http2Frame.Data first = assertInstanceOf(Http2Frame.Data.class,
                    client.nextMatching(f -> f instanceof Http2Frame.Data));
            assertEquals(10, first.data().length);
            // The PING's answer comes back before any more DATA: the stream is waiting for window.
            client.send(new Http2Frame.Ping(false, 5));
            assertEquals(new Http2Frame.Ping(true, 5), client.nextMatching(f -> f instanceof Http2Frame.Ping
                    || f instanceof Http2Frame.Data));
            client.send(new Http2Frame.WindowUpdate(1, 15));
            Http2Frame.Data rest = assertInstanceOf(Http2Frame.Data.class,
                    client.nextMatching(f -> f instanceof Http2Frame.Data));
            assertEquals(15, rest.data().length);
            assertEquals(true, rest.endStream());
        }
    }

    @Test
    void aNewInitialWindowSizeOpensStreamsAlreadyWaiting() throws Exception {
        // §6.9.2: "a receiver MUST adjust the size of all stream flow-control windows that it maintains by the
        // difference between the new value and the old value."
        try (H2TestServer server = bodyServer(Http2Config.DEFAULTS); H2Client client = server.connect()) {
            client.handshake(new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, 0));
            client.request(1, get("/"), true);
            client.nextMatching(f -> f instanceof Http2Frame.Headers && f.streamId() == 1);
            client.send(new Http2Frame.Settings(false, java.util.List.of(
                    new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, 100))));
            Http2Frame.Data data = assertInstanceOf(Http2Frame.Data.class,
                    client.nextMatching(f -> f instanceof Http2Frame.Data));
            assertEquals(BODY.length, data.data().length);
        }
    }

    @Test
    void aStreamStuckAtAZeroWindowIsResetAfterTheStallTimeoutAndTheConnectionServesOn() throws Exception {
        Http2Config config = Http2Config.DEFAULTS.withStreamStallTimeout(Duration.ofMillis(300));
        try (H2TestServer server = bodyServer(config); H2Client client = server.connect()) {
            client.handshake(new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, 0));
            client.request(1, get("/"), true);
            assertEquals(Http2ErrorCode.CANCEL.code(), client.reset(1).errorCode());
            client.send(new Http2Frame.Ping(false, 9));
            assertEquals(new Http2Frame.Ping(true, 9), client.nextMatching(f -> f instanceof Http2Frame.Ping));
        }
    }

    @Test
    void aStreamWaitingForItsWindowDoesNotHoldTheOthers() throws Exception {
        // §5.2.1: "Flow control is specific to a connection ... Both types of flow control are hop by hop"; a stream
        // at a zero window waits alone: the writer's lock is not held while a stream waits for window.
        try (H2TestServer server = bodyServer(Http2Config.DEFAULTS); H2Client client = server.connect()) {
            client.handshake(new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, 0));
            client.request(1, get("/"), true);
            client.request(3, get("/"), true);
            client.send(new Http2Frame.WindowUpdate(3, BODY.length));
            Http2Frame.Data data = (Http2Frame.Data) client.nextMatching(f -> f instanceof Http2Frame.Data);
            assertEquals(3, data.streamId(), "stream 3 is served while stream 1 waits at a zero window");
            assertEquals(BODY.length, data.data().length);
            client.send(new Http2Frame.WindowUpdate(1, BODY.length));
            data = (Http2Frame.Data) client.nextMatching(f -> f instanceof Http2Frame.Data && f.streamId() == 1);
            assertEquals(BODY.length, data.data().length, "and stream 1 once its window opens");
        }
    }

    @Test
    void aClientSendingPastTheStreamWindowGetsAFlowControlError() throws Exception {
        // §6.9.1: "A receiver MAY respond with a stream error or connection error of type FLOW_CONTROL_ERROR if it
        // is unable to accept a frame" sent past the window. The handler never reads here.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS.withInitialWindowSize(16), exchange -> {
            release.await();
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, Rfc9113StreamsTest.post("/"), false);
            client.send(new Http2Frame.Data(1, new byte[16], false));
            client.send(new Http2Frame.Data(1, new byte[1], false));
            assertEquals(Http2ErrorCode.FLOW_CONTROL_ERROR.code(), client.reset(1).errorCode());
            release.countDown();
        }
    }

    @Test
    void aWindowUpdatePastTwoToTheThirtyFirstIsAFlowControlError() throws Exception {
        // §6.9.1: "If a sender receives a WINDOW_UPDATE that causes a flow-control window to exceed this maximum,
        // it MUST terminate either the stream or the connection, as appropriate."
        try (H2TestServer server = bodyServer(Http2Config.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            client.send(new Http2Frame.WindowUpdate(0, Integer.MAX_VALUE));
            assertEquals(Http2ErrorCode.FLOW_CONTROL_ERROR.code(), client.goAway().errorCode());
        }
    }

    @Test
    void dataAnsweringAWindowUpdateAtOnceIsWithinTheWindow() throws Exception {
        // §6.9: once the client reads our WINDOW_UPDATE it may send that much more, even before the thread that
        // wrote the update ran on. The gate keeps that thread just past the write until the client's answer
        // (one DATA frame: 9 octets of header and the credit) was handled, which a loaded machine does sometimes
        // (curl's 1 MB echo failing with FLOW_CONTROL_ERROR).
        int window = 100;
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS.withInitialWindowSize(window), exchange -> {
            byte[] body = exchange.body().asInputStream().readAllBytes();
            exchange.response().write(ByteBuffer.wrap(Integer.toString(body.length).getBytes()), true);
        }, connection -> FrameWriteGate.afterStreamWindowUpdate(connection, Http2Frame.HEADER_LENGTH + window));
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, Rfc9113StreamsTest.post("/"), false);
            client.send(new Http2Frame.Data(1, new byte[window], false));
            Http2Frame.WindowUpdate update = (Http2Frame.WindowUpdate) client.nextMatching(
                    f -> f instanceof Http2Frame.WindowUpdate && f.streamId() == 1);
            assertEquals(window, update.increment());
            client.send(new Http2Frame.Data(1, new byte[update.increment()], true));
            assertEquals(Integer.toString(2 * window), client.response(1).body());
        }
    }

    @Test
    void aBodyLargerThanTheWindowFlowsAsTheHandlerReads() throws Exception {
        byte[] upload = new byte[300_000];
        Arrays.fill(upload, (byte) 'u');
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            byte[] body = exchange.body().asInputStream().readAllBytes();
            exchange.response().write(ByteBuffer.wrap(Integer.toString(body.length).getBytes()), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, Rfc9113StreamsTest.post("/"), false);
            long streamWindow = Http2Config.DEFAULT_WINDOW;
            long connectionWindow = Http2Config.DEFAULT_WINDOW;
            int sent = 0;
            while (sent < upload.length) {
                while (streamWindow <= 0 || connectionWindow <= 0) {
                    Http2Frame.WindowUpdate update = (Http2Frame.WindowUpdate) client.nextMatching(
                            f -> f instanceof Http2Frame.WindowUpdate);
                    if (update.streamId() == 0) {
                        connectionWindow += update.increment();
                    } else {
                        streamWindow += update.increment();
                    }
                }
                int n = (int) Math.min(Math.min(16_384, upload.length - sent), Math.min(streamWindow, connectionWindow));
                client.send(new Http2Frame.Data(1, Arrays.copyOfRange(upload, sent, sent + n),
                        sent + n == upload.length));
                sent += n;
                streamWindow -= n;
                connectionWindow -= n;
            }
            assertEquals("300000", client.response(1).body());
        }
    }
}
