package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 write queue on a real socket: a client that never reads stalls the writers and loses the connection
 * after the stall timeout; a big body does not keep a small response queued behind all of it; concurrent streams'
 * field blocks decode in the client's order. The unit-level cases are in {@code Http2OutputTest}.
 */
class Http2OutputWireTest {

    /** Larger than any socket buffer pair on loopback: the body cannot leave whole while the client does not read. */
    private static final int BIG = 64 << 20;
    private static final int CHUNK = 64 << 10;
    private static final int MAX_WINDOW = Integer.MAX_VALUE;

    @Test
    void aClientThatNeverReadsLosesTheConnectionAfterTheStallTimeout() throws Exception {
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        Http2Config config = Http2Config.DEFAULTS.withStreamStallTimeout(Duration.ofMillis(500));
        try (H2TestServer server = new H2TestServer(config, exchange -> {
            try {
                writeBig(exchange.response());
                failed.complete(null);
            } catch (IOException e) {
                failed.complete(e);
                throw e;
            }
        }); H2Client client = server.connect()) {
            openWindows(client);
            client.request(1, get("/big"), true);
            Throwable failure = failed.get(30, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, failure, "the handler's write failed instead of waiting for ever");
            client.assertClosed();
        }
    }

    @Test
    void aSmallResponseIsNotQueuedBehindAWholeBigBody() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            if (exchange.request().target().equals("/big")) {
                writeBig(exchange.response());
            } else {
                exchange.response().write(ByteBuffer.wrap("small".getBytes(StandardCharsets.US_ASCII)), true);
            }
        }); H2Client client = server.connect()) {
            openWindows(client);
            client.request(1, get("/big"), true);
            client.nextMatching(f -> f instanceof Http2Frame.Data && f.streamId() == 1);
            client.request(3, get("/small"), true); // the big body fills the socket buffers meanwhile
            long bigOctets = 0;
            boolean bigEnded = false;
            while (true) {
                Http2Frame frame = client.next();
                if (frame.streamId() == 3 && frame instanceof Http2Frame.Data data && data.endStream()) {
                    break;
                }
                if (frame.streamId() == 1 && frame instanceof Http2Frame.Data data) {
                    bigOctets += data.data().length;
                    bigEnded |= data.endStream();
                }
            }
            assertFalse(bigEnded, "the small response came before the end of the big body");
            assertTrue(bigOctets < BIG / 2, bigOctets + " octets of the big body before the small response");
        }
    }

    @Test
    void fieldBlocksOfManyConcurrentStreamsDecodeInTheClientsOrder() throws Exception {
        int streams = 64;
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS.withMaxConcurrentStreams(streams),
                exchange -> {
                    String path = exchange.request().target();
                    exchange.response().headers().add("x-path", path).add("x-echo", path + "-value");
                    exchange.response().write(ByteBuffer.wrap(path.getBytes(StandardCharsets.US_ASCII)), true);
                }); H2Client client = server.connect()) {
            client.handshake();
            for (int i = 0; i < streams; i++) {
                client.request(2 * i + 1, get("/s" + i), true);
            }
            for (int i = 0; i < streams; i++) {
                H2Client.Response response = client.response(2 * i + 1);
                assertEquals(200, response.status());
                assertEquals("/s" + i, response.header("x-path"));
                assertEquals("/s" + i + "-value", response.header("x-echo"));
                assertEquals("/s" + i, response.body());
            }
        }
    }

    private static void writeBig(io.corral.connector.stream.HttpResponse response) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        for (int written = 0; written < BIG; written += CHUNK) {
            response.write(chunk.clear(), written + CHUNK >= BIG);
        }
    }

    /** Both windows as wide as they go, so that only the socket holds the server back. */
    private static void openWindows(H2Client client) throws IOException {
        client.handshake(new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, MAX_WINDOW));
        client.send(new Http2Frame.WindowUpdate(0, MAX_WINDOW - 65_535));
    }
}
