package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.http2.CleartextProtocol;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.listener.Await;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.testing.IdleConnectionHeap;
import io.corral.connector.transport.HibernatingConnections;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle HTTP/2 connections hibernate as HTTP/1.1 and WebSocket ones do (Cowboy's {@code hibernate}): with no open
 * stream, nothing half-read and our SETTINGS acknowledged, the connection's thread ends and its input buffer goes
 * back to the pool; the next bytes start a new burst on a new thread, with the HPACK tables, flow-control windows
 * and the client's settings as they were. Timeouts, PINGs, drains and client closes still reach it, and the
 * cleartext sniffer hibernates a connection that has sent nothing yet.
 */
class Http2HibernationTest {

    private static final Logger LOG = LoggerFactory.getLogger(Http2HibernationTest.class);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Http2Config AT_ONCE = Http2Config.DEFAULTS.withHibernateAfter(Duration.ZERO);
    /** Answers with its path, and with a response field the HPACK encoder indexes (so the next one refers to it). */
    private static final HttpHandler PATH = exchange -> {
        exchange.response().headers().set("x-served-by", "corral-hibernation-test");
        exchange.response().write(ByteBuffer.wrap(exchange.request().target().getBytes(StandardCharsets.US_ASCII)),
                true);
    };

    private static void awaitHibernating(H2TestServer server, int count) {
        Await.until(WAIT, () -> server.hibernating() == count,
                () -> server.hibernating() + " of " + count + " connections hibernating");
    }

    @Test
    @DisplayName("an idle h2 connection hibernates with no thread and no buffer; its HPACK tables survive the wake-up")
    void anIdleConnectionHibernatesAndWakesWithItsHpackTables() throws Exception {
        try (H2TestServer server = new H2TestServer(AT_ONCE, PATH); H2Client client = server.connect()) {
            client.handshake();
            // A field the client's encoder adds to both dynamic tables: the next requests refer to it by index only.
            List<HeaderField> request = H2Client.with(get("/one"), "x-long-lived-field", "a".repeat(40));
            client.request(1, request, true);
            H2Client.Response first = client.response(1);
            assertEquals("/one", first.body());
            assertEquals("corral-hibernation-test", first.header("x-served-by"));
            awaitHibernating(server, 1);
            assertEquals(0, server.protocol().borrowedBuffers(), "a hibernating connection holds no input buffer");
            assertEquals(1, server.listener().stats().active(), "hibernating is not closing");
            for (int stream = 3; stream <= 7; stream += 2) {
                client.request(stream, H2Client.with(get("/again"), "x-long-lived-field", "a".repeat(40)), true);
                H2Client.Response again = client.response(stream);
                assertEquals("/again", again.body(), "stream " + stream);
                assertEquals("corral-hibernation-test", again.header("x-served-by"),
                        "the server's encoder state is the client decoder's");
                awaitHibernating(server, 1);
            }
        }
    }

    @Test
    @DisplayName("a PING wakes a hibernating connection and is answered; it hibernates again")
    void aPingIsAnsweredAfterWaking() throws Exception {
        try (H2TestServer server = new H2TestServer(AT_ONCE, PATH); H2Client client = server.connect()) {
            client.handshake();
            awaitHibernating(server, 1);
            client.send(new Http2Frame.Ping(false, 0x1122334455667788L));
            Http2Frame.Ping pong = (Http2Frame.Ping) client.nextMatching(f -> f instanceof Http2Frame.Ping);
            assertTrue(pong.ack());
            assertEquals(0x1122334455667788L, pong.opaqueData());
            awaitHibernating(server, 1);
        }
    }

    @Test
    @DisplayName("the client's SETTINGS_INITIAL_WINDOW_SIZE and the windows it opened still hold after a wake-up")
    void flowControlWindowsSurviveHibernation() throws Exception {
        try (H2TestServer server = new H2TestServer(AT_ONCE, PATH); H2Client client = server.connect()) {
            client.handshake(new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, 4));
            awaitHibernating(server, 1);
            client.request(1, get("/0123456789"), true);
            Http2Frame.Data data = (Http2Frame.Data) client.nextMatching(f -> f instanceof Http2Frame.Data);
            assertEquals("/012", new String(data.data(), StandardCharsets.US_ASCII), "a 4-octet window, as set");
            assertTrue(!data.endStream());
            client.send(new Http2Frame.WindowUpdate(1, 100));
            H2Client.Response rest = client.response(1);
            assertEquals("3456789", rest.body());
        }
    }

    @Test
    @DisplayName("a connection with a stream open does not hibernate; it does once the stream ends")
    void anOpenStreamKeepsTheConnectionAwake() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (H2TestServer server = new H2TestServer(AT_ONCE, exchange -> {
            started.countDown();
            assertTrue(release.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/slow"), true);
            assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            // The PING's answer proves the reader went round its loop with the stream open, back to a read.
            client.send(new Http2Frame.Ping(false, 7));
            client.nextMatching(f -> f instanceof Http2Frame.Ping);
            assertEquals(0, server.hibernating(), "hibernated with a stream open");
            release.countDown();
            assertEquals(200, client.response(1).status());
            awaitHibernating(server, 1);
        }
    }

    @Test
    @DisplayName("the idle timeout still sends GOAWAY to a hibernating connection and closes it, not before it is due")
    void theIdleTimeoutReachesAHibernatingConnection() throws Exception {
        Http2Config config = AT_ONCE.withIdleTimeout(Duration.ofMillis(500));
        try (H2TestServer server = new H2TestServer(config, PATH); H2Client client = server.connect()) {
            client.handshake();
            // The idle timeout counts from the stream's end, which comes after this.
            long sent = System.nanoTime();
            client.request(1, get("/x"), true);
            assertEquals("/x", client.response(1).body());
            awaitHibernating(server, 1);
            Http2Frame.GoAway goAway = client.goAway();
            assertTrue(System.nanoTime() - sent >= Duration.ofMillis(499).toNanos(), "GOAWAY too early");
            assertEquals(Http2ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(1, goAway.lastStreamId());
            Await.until(WAIT, () -> server.listener().stats().active() == 0, "the connection to end");
        }
    }

    @Test
    @DisplayName("a drain's GOAWAY reaches hibernating connections, which end when their clients close")
    void aDrainReachesHibernatingConnections() throws Exception {
        try (H2TestServer server = new H2TestServer(AT_ONCE, PATH)) {
            H2Client[] clients = new H2Client[5];
            try {
                for (int i = 0; i < clients.length; i++) {
                    clients[i] = server.connect();
                    clients[i].handshake();
                    clients[i].request(1, get("/x"), true);
                    assertEquals("/x", clients[i].response(1).body());
                }
                awaitHibernating(server, clients.length);
                server.listener().drain();
                for (H2Client client : clients) {
                    Http2Frame.GoAway goAway = client.goAway(); // and the server's end of stream after it
                    assertEquals(Http2ErrorCode.NO_ERROR.code(), goAway.errorCode());
                    assertEquals(1, goAway.lastStreamId());
                }
            } finally {
                for (H2Client client : clients) {
                    if (client != null) {
                        client.close();
                    }
                }
            }
            Await.until(WAIT, () -> server.listener().stats().active() == 0, "every drained connection to end");
            assertEquals(0, server.listener().stats().failed());
        }
    }

    @Test
    @DisplayName("a client that closes a hibernating connection frees its slot")
    void aClientClosingAHibernatingConnectionEndsIt() throws Exception {
        try (H2TestServer server = new H2TestServer(AT_ONCE, PATH)) {
            try (H2Client client = server.connect()) {
                client.handshake();
                awaitHibernating(server, 1);
            }
            Await.until(WAIT, () -> server.listener().stats().active() == 0, "the closed connection to end");
            assertEquals(0, server.protocol().activeConnections());
        }
    }

    @Test
    @DisplayName("hibernateAfter > 0: the connection waits on its thread first, then hibernates")
    void hibernateAfterDelaysHibernation() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS.withHibernateAfter(Duration.ofMillis(300)),
                PATH); H2Client client = server.connect()) {
            client.handshake();
            long sent = System.nanoTime(); // hibernateAfter counts from the stream's end, which comes after this
            client.request(1, get("/x"), true);
            assertEquals("/x", client.response(1).body());
            awaitHibernating(server, 1);
            assertTrue(System.nanoTime() - sent >= Duration.ofMillis(299).toNanos(), "hibernated too early");
            client.request(3, get("/y"), true);
            assertEquals("/y", client.response(3).body());
        }
    }

    @Test
    @DisplayName("the cleartext sniffer hibernates a connection that has sent nothing, then serves h2 or HTTP/1.1")
    void theSnifferHibernatesASilentConnection() throws Exception {
        HttpHandler version = exchange -> exchange.response().write(ByteBuffer.wrap(
                exchange.request().version().text().getBytes(StandardCharsets.US_ASCII)), true);
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0),
                new CleartextProtocol(new Http1Protocol(Http1Config.DEFAULTS, version), AT_ONCE, version));
        listener.start();
        try (H2Client h2 = new H2Client(listener.localPort());
                Socket http1 = new Socket("127.0.0.1", listener.localPort())) {
            Await.until(WAIT, () -> hibernating(listener) == 2, () -> hibernating(listener) + " of 2 hibernating");
            h2.handshake();
            h2.request(1, get("/"), true);
            assertEquals("HTTP/2", h2.response(1).body());
            http1.setSoTimeout((int) WAIT.toMillis());
            http1.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(http1.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("HTTP/1.1"), answer);
        } finally {
            listener.stop();
        }
    }

    @Test
    @DisplayName("a silent connection hibernating in the sniffer is closed at the idle timeout")
    void theIdleTimeoutReachesAConnectionHibernatingInTheSniffer() throws Exception {
        HttpHandler none = exchange -> exchange.response().end();
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0),
                new CleartextProtocol(new Http1Protocol(Http1Config.DEFAULTS, none),
                        AT_ONCE.withIdleTimeout(Duration.ofMillis(500)), none));
        listener.start();
        long opened = System.nanoTime(); // before the server can accept it, hence before its idle deadline starts
        try (Socket silent = new Socket("127.0.0.1", listener.localPort())) {
            silent.setSoTimeout((int) WAIT.toMillis());
            Await.until(WAIT, () -> hibernating(listener) == 1, "the silent connection to hibernate");
            InputStream in = silent.getInputStream();
            assertEquals(-1, in.read(), "closed without an answer");
            assertTrue(System.nanoTime() - opened >= Duration.ofMillis(499).toNanos(), "closed too early");
            Await.until(WAIT, () -> listener.stats().active() == 0, "the connection to end");
        } finally {
            listener.stop();
        }
    }

    private static int hibernating(Listener listener) {
        return HibernatingConnections.count(listener);
    }

    /**
     * Heap per idle h2c connection after a full GC, awake (its thread parked in a read, its input buffer held) and
     * hibernating: the figures the README reports. The clients run in a JVM of their own ({@link H2IdleClients}), so
     * the heap measured here is the server's alone. Asserts only what must hold on any machine: hibernation gives
     * the 16 KiB input buffer back, and the thread's stack with it.
     */
    @Test
    @DisplayName("an idle h2 connection costs the server at least 16 KB less heap when it hibernates")
    void hibernationGivesTheInputBufferAndTheThreadBack() throws Exception {
        int count = 100;
        long awake = heapPerIdleConnection(Http2Config.DEFAULTS.withHibernateAfter(Duration.ofHours(1))
                .withIdleTimeout(Duration.ofHours(2)), count, false);
        long hibernating = heapPerIdleConnection(AT_ONCE, count, true);
        LOG.info("server heap per idle h2c connection after a full GC ({} connections): awake {} B, hibernating {} B",
                count, awake, hibernating);
        assertTrue(awake - hibernating >= 16_000, "awake " + awake + " B, hibernating " + hibernating
                + " B per connection");
    }

    private static long heapPerIdleConnection(Http2Config config, int count, boolean hibernate) throws Exception {
        try (H2TestServer server = new H2TestServer(config, PATH)) {
            return IdleConnectionHeap.perConnection(H2IdleClients.class,
                    List.of(String.valueOf(server.port()), String.valueOf(count)), count, () -> {
                        Await.until(WAIT, () -> server.listener().stats().active() == count,
                                "every connection accepted");
                        if (hibernate) {
                            awaitHibernating(server, count);
                        } else {
                            assertEquals(count, server.protocol().borrowedBuffers(),
                                    "each awake connection holds its buffer");
                        }
                    }, WAIT);
        }
    }
}
