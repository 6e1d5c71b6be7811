package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.http2.H2cUpgrade;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.transport.TestCertificate;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §6.8 GOAWAY as graceful shutdown, in two steps: {@code Listener.drain()} sends GOAWAY NO_ERROR with the
 * largest stream id and a PING; once the PING is answered (or after a bounded wait) the final GOAWAY names the last
 * stream taken, streams in flight finish, new ones are refused, and the connection ends once none is left — also
 * when the client keeps it open, and for connections that came by {@code Upgrade: h2c} or over TLS.
 */
class Http2GracefulShutdownTest {

    @Test
    void aStreamInFlightFinishesAfterGoAwayAndTheConnectionThenEnds() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            started.countDown();
            assertTrue(release.await(10, TimeUnit.SECONDS));
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            server.listener().drain();
            Http2Frame.GoAway goAway = client.finalGoAway();
            assertEquals(Http2ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(1, goAway.lastStreamId());
            client.request(3, get("/"), true);
            assertEquals(Http2ErrorCode.REFUSED_STREAM.code(), client.reset(3).errorCode(), "no new stream after GOAWAY");
            release.countDown();
            assertEquals(200, client.response(1).status());
            client.assertClosed();
        }
    }

    @Test
    void anIdleConnectionGetsGoAwayAndEnds() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertEquals(200, client.response(1).status());
            server.listener().drain();
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(1, goAway.lastStreamId());
        }
    }

    /** Long enough that a test passing within it cannot be waiting for the idle timeout. */
    private static final Duration IDLE = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void streamsOpenedBeforeThePingIsAnsweredAreTakenThoseAfterTheFinalGoAwayRefused() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bothStarted = new CountDownLatch(2);
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            bothStarted.countDown();
            assertTrue(release.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            server.listener().drain();
            Http2Frame.GoAway first = (Http2Frame.GoAway) client.nextMatching(f -> f instanceof Http2Frame.GoAway);
            assertEquals(Integer.MAX_VALUE, first.lastStreamId(), "the first GOAWAY refuses nothing yet");
            assertEquals(Http2ErrorCode.NO_ERROR.code(), first.errorCode());
            Http2Frame.Ping ping = (Http2Frame.Ping) client.nextMatching(f -> f instanceof Http2Frame.Ping);
            // A stream the client opened before it saw the GOAWAY: still taken.
            client.request(3, get("/"), true);
            assertTrue(bothStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS), "streams 1 and 3 both run");
            client.send(new Http2Frame.Ping(true, ping.opaqueData()));
            Http2Frame.GoAway last = client.finalGoAway();
            assertEquals(3, last.lastStreamId());
            client.request(5, get("/"), true);
            assertEquals(Http2ErrorCode.REFUSED_STREAM.code(), client.reset(5).errorCode());
            release.countDown();
            assertEquals(200, client.response(1).status());
            assertEquals(200, client.response(3).status());
            client.assertClosed();
        }
    }

    @Test
    void aClientThatKeepsADrainedConnectionOpenDoesNotHoldTheDrainForTheIdleTimeout() throws Exception {
        // Jetty's HTTP2Client keeps its side open after the final GOAWAY: the server closes the connection once no
        // stream is left, instead of waiting for the client or for its idle timeout.
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS.withIdleTimeout(IDLE),
                exchange -> exchange.response().end()); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertEquals(200, client.response(1).status());
            long start = System.nanoTime();
            server.listener().drain();
            assertEquals(1, client.finalGoAway().lastStreamId());
            assertTrue(server.listener().awaitIdle(WAIT), "the drained connection closed");
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(IDLE) < 0);
        }
    }

    @Test
    void theClientClosesADrainedConnectionFirstAfterTheLastResponse() throws Exception {
        // The last response's frames may have reached the client but not yet its application: the server does not
        // end the connection under them (Jetty's HTTP2Client drops a stream's unread DATA when the connection ends,
        // and completes the response as successful with an empty body). A PING sent once the last stream ended is
        // still answered — before, a FIN followed the END_STREAM at once — and the client's close ends the
        // connection.
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS.withIdleTimeout(IDLE), exchange -> {
            started.countDown();
            assertTrue(release.await(10, TimeUnit.SECONDS));
            exchange.response().write(ByteBuffer.wrap("done".getBytes(StandardCharsets.US_ASCII)), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            server.listener().drain();
            assertEquals(1, client.finalGoAway().lastStreamId());
            release.countDown();
            assertEquals("done", client.response(1).body());
            client.framesBeforePingAck(0x1234L); // fails with EOF if the server ended the connection
            client.shutdownOutput();
            client.assertClosed();
            assertTrue(server.listener().awaitIdle(WAIT), "the drained connection closed");
        }
    }

    @Test
    void aDrainReachesAConnectionUpgradedFromHttp11() throws Exception {
        // Upgrade: h2c hands the connection from HTTP/1.1 to HTTP/2: HTTP/1.1's drain must still reach it.
        Http2Config config = Http2Config.DEFAULTS.withIdleTimeout(IDLE);
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0),
                new Http1Protocol(Http1Config.DEFAULTS, H2cUpgrade.wrap(exchange -> exchange.response().end(),
                        config)));
        listener.start();
        try (Socket socket = new Socket("127.0.0.1", listener.localPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(readHead(socket.getInputStream()).startsWith("HTTP/1.1 101"));
            H2Client client = new H2Client(socket);
            client.handshake();
            assertEquals(200, client.response(1).status());
            listener.drain();
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(1, goAway.lastStreamId());
            assertTrue(listener.awaitIdle(WAIT), "the upgraded connection closed");
        } finally {
            listener.stop();
        }
    }

    @Test
    void aDrainReachesAnH2ConnectionOverTls() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (H2TestServer server = H2TestServer.overTls(Http2Config.DEFAULTS.withIdleTimeout(IDLE),
                Http1Config.DEFAULTS, exchange -> {
                    started.countDown();
                    assertTrue(release.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                    exchange.response().end();
                });
                SSLSocket socket = (SSLSocket) TestCertificate.context().getSocketFactory()
                        .createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            H2Client client = new H2Client(socket);
            client.handshake();
            client.request(1, get("/"), true);
            assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            server.listener().drain();
            assertEquals(1, client.finalGoAway().lastStreamId());
            release.countDown();
            assertEquals(200, client.response(1).status(), "the stream in flight finishes");
            client.assertClosed();
            assertTrue(server.listener().awaitIdle(WAIT), "the drained connection closed");
        }
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
