package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Await;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.listener.ResourceCensus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ranch's stampede, at the HTTP level: a crowd of clients sends whole, partial, pipelined and broken
 * requests and vanishes at random points (FIN or RST, mid-head, mid-body, mid-response). Afterwards the
 * connection count is back to zero, descriptors and platform threads are back to where they started,
 * and a new client is served at once.
 */
class Http1StampedeTest {

    private static final int CLIENTS = 1_000;
    private static final int AT_ONCE = 100;
    private static final long SEED = Long.getLong("corral.stampede.seed", 0xC0FFEEL);

    /** What one client does before it disappears. */
    enum Fate {
        WHOLE_REQUEST, PARTIAL_HEAD_THEN_CLOSE, PARTIAL_HEAD_THEN_RESET, PARTIAL_BODY_THEN_RESET,
        PIPELINE_THEN_RESET_MID_RESPONSE, GARBAGE, REQUEST_THEN_VANISH_UNREAD
    }

    @Test
    void aCrowdOfVanishingHttpClientsLeavesNothingBehind() throws Exception {
        // The JDK starts some machinery lazily and keeps it (virtual-thread pollers, the timed-park
        // unblocker thread): a small crowd first, so the census counts Corral's resources, not the JDK's.
        stampede(50, new SplittableRandom(SEED + 1));
        ResourceCensus baseline = ResourceCensus.take();
        stampede(CLIENTS, new SplittableRandom(SEED));
        ResourceCensus.awaitBackTo(baseline, Duration.ofSeconds(10));
    }

    private static void stampede(int crowd, SplittableRandom random) throws Exception {
        Http1Config config = Http1Config.DEFAULTS
                .withHeaderTimeout(Duration.ofSeconds(2)).withIdleTimeout(Duration.ofSeconds(2));
        byte[] big = new byte[256 * 1024];
        Http1Protocol protocol = new Http1Protocol(config, ex -> {
            byte[] body = ex.body().asInputStream().readAllBytes();
            if (ex.request().target().equals("/big")) {
                ex.response().write(ByteBuffer.wrap(big), true);
            } else {
                ex.response().write(ByteBuffer.wrap(body), true);
            }
        });
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withMaxConnections(64).withName("http-stampede"), protocol);
        listener.start();
        int port = listener.localPort();
        try (ExecutorService clients = Executors.newFixedThreadPool(AT_ONCE)) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < crowd; i++) {
                Fate fate = Fate.values()[random.nextInt(Fate.values().length)];
                int cut = random.nextInt(1, 30);
                running.add(clients.submit(() -> {
                    play(port, fate, cut);
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get(30, TimeUnit.SECONDS);
            }
        }

        Await.until(Duration.ofSeconds(10), () -> listener.stats().active() == 0,
                () -> "connections back to zero; now " + listener.stats());
        try (RawClient fresh = new RawClient(port)) {
            RawClient.Response response = fresh.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok").read();
            assertEquals("ok", response.text(), "a new client is served at once");
        }
        assertTrue(listener.stats().totalAccepted() >= crowd);
        listener.stop();
    }

    private static void play(int port, Fate fate, int cut) {
        String whole = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            switch (fate) {
                case WHOLE_REQUEST -> {
                    out.write(ascii(whole));
                    readSome(in, 1);
                }
                case PARTIAL_HEAD_THEN_CLOSE -> out.write(ascii(whole.substring(0, cut)));
                case PARTIAL_HEAD_THEN_RESET -> {
                    out.write(ascii(whole.substring(0, cut)));
                    socket.setSoLinger(true, 0);
                }
                case PARTIAL_BODY_THEN_RESET -> {
                    out.write(ascii("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" + "x".repeat(cut)));
                    socket.setSoLinger(true, 0);
                }
                case PIPELINE_THEN_RESET_MID_RESPONSE -> {
                    out.write(ascii("GET /big HTTP/1.1\r\nHost: a\r\n\r\n".repeat(3)));
                    readSome(in, cut * 100);
                    socket.setSoLinger(true, 0);
                }
                case GARBAGE -> {
                    out.write(ascii("\u0001\u0002 not http at all\r\n\r\n"));
                    readSome(in, 1);
                }
                case REQUEST_THEN_VANISH_UNREAD -> out.write(ascii("GET /big HTTP/1.1\r\nHost: a\r\n\r\n"));
            }
        } catch (IOException expectedSometimes) {
            // A server that already answered and closed, or a reset: the crowd does not care.
        }
    }

    private static void readSome(InputStream in, int bytes) throws IOException {
        in.readNBytes(new byte[bytes], 0, bytes);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
