package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Await;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A connection waiting for its client holds no pooled input buffer (issue 18): as Jetty's connection acquires its
 * buffer only once bytes are there, Corral's waits in a small array of its own — for a trickled request body, for
 * the next request head of a keep-alive client during {@code hibernateAfter}, for the first bytes of a fresh
 * connection — and reads go to a pooled 16 KiB array only when more comes at once. Bodies that switch between
 * trickle and flow, in either framing, heads longer than the small array, and requests pipelined behind them,
 * arrive whole.
 */
class WaitingInputBufferTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int CLIENTS = 50;
    /** The size of the array a connection waits in ({@code Http1Connection.WAITING_READ_SIZE}). */
    private static final int SMALL_ARRAY = 512;

    /** Body bytes the handlers have read so far, all exchanges together. */
    private final AtomicLong bodyBytesRead = new AtomicLong();
    private Http1Protocol protocol;
    private Listener listener;

    private void start() throws IOException {
        start(Http1Config.DEFAULTS);
    }

    /** Answers with the body's length and CRC-32, read in 8 KiB pieces as a servlet's {@code transferTo} does. */
    private void start(Http1Config config) throws IOException {
        protocol = new Http1Protocol(config, exchange -> {
            CRC32 crc = new CRC32();
            byte[] chunk = new byte[8192];
            long length = 0;
            for (int n; (n = exchange.body().read(chunk, 0, chunk.length)) >= 0; ) {
                crc.update(chunk, 0, n);
                length += n;
                bodyBytesRead.addAndGet(n);
            }
            String reply = length + " " + Long.toHexString(crc.getValue());
            exchange.response().write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)), true);
        });
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0).withName("body-wait"),
                protocol);
        listener.start();
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.stop();
        }
    }

    private static String expected(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return body.length + " " + Long.toHexString(crc.getValue());
    }

    /** Waits until the handlers have read {@code total} body bytes: the next read of each waits for the client. */
    private void awaitRead(long total) {
        Await.until(DEADLINE, () -> bodyBytesRead.get() >= total, "the handlers to read " + total + " body bytes");
    }

    @Test
    @DisplayName("connections waiting for the rest of their bodies hold no pooled buffer; all are given back after")
    void waitingForABodyHoldsNoPooledBuffer() throws Exception {
        start();
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new RawClient(listener.localPort())
                        .send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\na"));
            }
            awaitRead(CLIENTS);
            // Each handler is back in a read that waits for the second byte.
            Await.until(DEADLINE, () -> protocol.borrowedBuffers() == 0,
                    () -> "the waiting connections to give their pooled buffers back (" + protocol.borrowedBuffers()
                            + " borrowed by " + CLIENTS + " connections)");
            for (RawClient client : clients) {
                client.send("b");
            }
            String ab = expected("ab".getBytes(StandardCharsets.US_ASCII));
            for (RawClient client : clients) {
                assertEquals(ab, client.read().text());
            }
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
        Await.until(DEADLINE, () -> protocol.borrowedBuffers() == 0, "every buffer to be back");
    }

    @Test
    @DisplayName("keep-alive connections waiting awake for their next request, and fresh ones that said nothing yet, "
            + "hold no pooled buffer")
    void waitingForAHeadHoldsNoPooledBuffer() throws Exception {
        // Awake for a minute between requests: the wait is on the connection's thread, not hibernating.
        start(Http1Config.DEFAULTS.withHibernateAfter(Duration.ofMinutes(1)));
        List<RawClient> clients = new ArrayList<>();
        try {
            String empty = expected(new byte[0]);
            for (int i = 0; i < CLIENTS; i++) {
                RawClient keepAlive = new RawClient(listener.localPort()).send("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
                clients.add(keepAlive);
                assertEquals(empty, keepAlive.read().text());
                clients.add(new RawClient(listener.localPort()));
            }
            Await.until(DEADLINE, () -> protocol.buffersInUse() == 2 * CLIENTS,
                    () -> "every connection awake, waiting on its thread (" + protocol.buffersInUse() + ")");
            assertEquals(0, protocol.borrowedBuffers(), "pooled buffers borrowed by " + 2 * CLIENTS
                    + " connections waiting for a request head");
            for (int i = 0; i < clients.size(); i++) {
                RawClient client = clients.get(i);
                client.send("GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
                assertEquals(empty, client.read().text(), "client " + i + " served after its wait");
            }
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
        Await.until(DEADLINE, () -> protocol.borrowedBuffers() == 0, "every buffer to be back");
    }

    @Test
    @DisplayName("heads longer than the small array, split anywhere, and requests pipelined past it, arrive whole")
    void longHeadsAndPipelinesArriveWhole() throws Exception {
        start(Http1Config.DEFAULTS.withHibernateAfter(Duration.ofMinutes(1)));
        String longHead = "POST /long HTTP/1.1\r\nHost: a\r\nX-Long: " + "v".repeat(7_000)
                + "\r\nContent-Length: 4\r\n\r\n";
        try (RawClient client = new RawClient(listener.localPort())) {
            // Whole, in one write; then split right past the small array's size, and again mid-way.
            client.send(longHead + "body");
            assertEquals(expected("body".getBytes(StandardCharsets.US_ASCII)), client.read().text());
            for (int split : new int[] {SMALL_ARRAY + 1, SMALL_ARRAY - 1, 6_000}) {
                client.send(longHead.substring(0, split));
                if (split > SMALL_ARRAY) {
                    // Read: it filled the small array and went on in a pooled one, borrowed until the head is served.
                    Await.until(DEADLINE, () -> protocol.borrowedBuffers() == 1,
                            () -> "the first " + split + " bytes to move to a pooled array: " + protocol.borrowedBuffers());
                }
                client.send(longHead.substring(split) + "body");
                assertEquals(expected("body".getBytes(StandardCharsets.US_ASCII)), client.read().text(),
                        "split at " + split);
            }
            // Forty requests in one write, far past the small array.
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                pipeline.append("POST /p").append(i).append(" HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n")
                        .append(String.format("%03d", i));
            }
            client.send(pipeline.toString());
            for (int i = 0; i < 40; i++) {
                assertEquals(expected(String.format("%03d", i).getBytes(StandardCharsets.US_ASCII)),
                        client.read().text(), "pipelined request " + i);
            }
        }
        Await.until(DEADLINE, () -> protocol.borrowedBuffers() == 0, "every buffer to be back");
    }

    @Test
    @DisplayName("a body that trickles, flows, and trickles again arrives whole, in either framing, and so does a long "
            + "head pipelined behind it")
    void aBodyThatTricklesAndFlowsArrivesWhole() throws Exception {
        start();
        byte[] burst = new byte[200_000];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = (byte) (i * 31 + i / 7);
        }
        byte[] body = ("xyz" + new String(burst, StandardCharsets.ISO_8859_1) + "xyz")
                .getBytes(StandardCharsets.ISO_8859_1);
        // A head longer than the small array a trickled body waits in: it must be read on into a pooled one.
        String longHead = "POST /next HTTP/1.1\r\nHost: a\r\nX-Long: " + "v".repeat(2000) + "\r\nContent-Length: 4\r\n\r\n";
        try (RawClient client = new RawClient(listener.localPort())) {
            client.send("POST /length HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length + "\r\n\r\n");
            send(client, "x", 1);
            send(client, "yz", 2);
            send(client, burst, burst.length);
            send(client, "x", 1);
            send(client, "y", 1);
            client.send("z" + longHead + "next");
            assertEquals(expected(body), client.read().text());
            assertEquals(expected("next".getBytes(StandardCharsets.US_ASCII)), client.read().text());

            client.send("POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r");
            send(client, "\nx", 1);
            send(client, "yz\r\n" + Integer.toHexString(burst.length) + "\r\n", 2);
            send(client, burst, burst.length);
            send(client, "\r\n3\r\nx", 1);
            send(client, "y", 1);
            client.send("z\r\n0\r\n\r\n" + longHead + "next");
            assertEquals(expected(body), client.read().text());
            assertEquals(expected("next".getBytes(StandardCharsets.US_ASCII)), client.read().text());
        }
        Await.until(DEADLINE, () -> protocol.borrowedBuffers() == 0, "every buffer to be back");
    }

    /**
     * Sends a piece and waits until the handler has read the body bytes in it, so that each piece is read on its
     * own (a trickle, into the small array; a burst, into pooled ones).
     */
    private void send(RawClient client, String piece, int bodyBytes) throws IOException {
        send(client, piece.getBytes(StandardCharsets.ISO_8859_1), bodyBytes);
    }

    private void send(RawClient client, byte[] piece, int bodyBytes) throws IOException {
        long before = bodyBytesRead.get();
        client.send(piece);
        awaitRead(before + bodyBytes);
    }
}
