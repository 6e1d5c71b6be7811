package io.corral.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Await;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.testing.IdleConnectionHeap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle TLS connections hibernate as TCP ones do ({@link TlsConnection#hibernate}): no thread and no record buffers
 * between requests, the next request served whole; and never while bytes wait inside the connection (records the
 * client sent together, a record cut in two), which the socket would not signal again. Also measures what an idle
 * TLS keep-alive connection costs the server with and without hibernation.
 */
class TlsHibernationTest {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHibernationTest.class);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Http1Config AT_ONCE = Http1Config.DEFAULTS.withHibernateAfter(Duration.ZERO);

    private final SSLContext context = TestCertificate.context();
    private Listener listener;

    private void start(Http1Config config) throws IOException {
        Http1Protocol protocol = new Http1Protocol(config, exchange -> {
            byte[] body = exchange.request().target().getBytes(StandardCharsets.US_ASCII);
            exchange.response().write(ByteBuffer.wrap(body), true);
        });
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0).withName("tls-hibernation")
                .withTransport(new TlsTransport(context)), protocol);
        listener.start();
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.stop();
        }
    }

    private int hibernating() {
        return HibernatingConnections.count(listener);
    }

    @Test
    @DisplayName("an idle TLS keep-alive connection hibernates between requests and serves the next one")
    void anIdleTlsConnectionHibernatesAndServesTheNextRequest() throws Exception {
        start(AT_ONCE);
        try (TlsClient client = new TlsClient(context, listener.localPort())) {
            for (int i = 0; i < 20; i++) {
                assertEquals("/r" + i, client.get("/r" + i));
                Await.until(WAIT, () -> hibernating() == 1, "the connection to hibernate");
            }
            assertEquals(1, listener.stats().active(), "hibernating is not closing");
            assertEquals(1, listener.stats().totalAccepted(), "one connection carried every request");
        }
    }

    @Test
    @DisplayName("two requests in two records that arrive together: the second, read but not unwrapped, is served")
    void aRecordReadButNotUnwrappedIsServed() throws Exception {
        start(AT_ONCE);
        try (TlsClient client = new TlsClient(context, listener.localPort())) {
            assertEquals("/first", client.get("/first"));
            Await.until(WAIT, () -> hibernating() == 1, "the connection to hibernate");
            client.cork();
            client.send("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");   // one record
            client.send("GET /b HTTP/1.1\r\nHost: a\r\n\r\n");   // another record, same TCP write
            client.uncork();
            assertEquals("/a", client.readBody());
            assertEquals("/b", client.readBody());
        }
    }

    @Test
    @DisplayName("a record cut in two behind a whole one: the connection waits for the rest instead of dropping it")
    void aPartialRecordIsNeverDropped() throws Exception {
        start(AT_ONCE);
        try (TlsClient client = new TlsClient(context, listener.localPort())) {
            assertEquals("/first", client.get("/first"));
            Await.until(WAIT, () -> hibernating() == 1, "the connection to hibernate");
            client.cork();
            client.send("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
            client.send("GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
            client.uncorkAllBut(10);                               // the second record less its last 10 bytes
            assertEquals("/a", client.readBody());
            client.uncork();
            assertEquals("/b", client.readBody());
            Await.until(WAIT, () -> hibernating() == 1, "the connection to hibernate again");
            assertEquals("/c", client.get("/c"));
        }
    }

    @Test
    @DisplayName("the idle timeout still closes a hibernated TLS connection")
    void theIdleTimeoutReachesAHibernatedTlsConnection() throws Exception {
        start(AT_ONCE.withIdleTimeout(Duration.ofMillis(400)));
        try (TlsClient client = new TlsClient(context, listener.localPort())) {
            assertEquals("/x", client.get("/x"));
            assertEquals(-1, client.in.read(), "closed at the idle timeout (close_notify, then the end)");
        }
        Await.until(WAIT, () -> listener.stats().active() == 0, "the connection to end");
    }

    @Test
    @DisplayName("a stop closes hibernated TLS connections and frees every slot")
    void aStopReachesHibernatedTlsConnections() throws Exception {
        start(AT_ONCE);
        List<TlsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                TlsClient client = new TlsClient(context, listener.localPort());
                clients.add(client);
                assertEquals("/x", client.get("/x"));
            }
            Await.until(WAIT, () -> hibernating() == 5, "every connection to hibernate");
            listener.stop();
            for (TlsClient client : clients) {
                assertEquals(-1, client.in.read(), "a stopped listener's connection ends");
            }
            assertEquals(0, listener.stats().active());
        } finally {
            for (TlsClient client : clients) {
                client.close();
            }
        }
    }

    /**
     * Heap per idle TLS keep-alive connection after a full GC, awake (as before hibernation, which kept the thread
     * and the record buffers) and hibernating: the figures the README reports. The clients run in a JVM of their own
     * ({@link TlsIdleClients}), so the heap measured here is the server's alone. Asserts only what must hold on any
     * machine: hibernation gives at least the three record buffers (about 16 KB each) back.
     */
    @Test
    @DisplayName("an idle TLS connection costs the server at least 40 KB less heap when it hibernates")
    void hibernationGivesTheRecordBuffersBack() throws Exception {
        int count = 64;
        long awake = heapPerIdleConnection(Http1Config.DEFAULTS.withHibernateAfter(Duration.ofHours(1)), count, false);
        long hibernating = heapPerIdleConnection(AT_ONCE, count, true);
        LOG.info("server heap per idle TLS keep-alive connection after a full GC ({} connections): awake {} B, "
                + "hibernating {} B", count, awake, hibernating);
        assertTrue(awake - hibernating >= 40_000,
                "awake " + awake + " B, hibernating " + hibernating + " B per connection");
    }

    private long heapPerIdleConnection(Http1Config config, int count, boolean hibernate) throws Exception {
        start(config);
        try {
            return IdleConnectionHeap.perConnection(TlsIdleClients.class, List.of(String.valueOf(listener.localPort()),
                    String.valueOf(count), TestCertificate.keyStore().toString(), TestCertificate.PASSWORD), count,
                    () -> {
                        Await.until(WAIT, () -> listener.stats().active() == count, "every connection accepted");
                        if (hibernate) {
                            Await.until(WAIT, () -> hibernating() == count,
                                    () -> hibernating() + " of " + count + " hibernating");
                        }
                    }, WAIT);
        } finally {
            listener.stop();
            listener = null;
        }
    }

    /**
     * An HTTPS client on the JDK's {@link SSLSocket}, layered over a plain socket whose output can be
     * {@linkplain #cork() corked}: records then pile up and leave in one TCP write, as a pipelining client's would.
     */
    static final class TlsClient implements AutoCloseable {
        private final CorkedSocket plain;
        private final SSLSocket socket;
        final InputStream in;
        private final OutputStream out;

        TlsClient(SSLContext context, int port) throws IOException {
            plain = new CorkedSocket();
            plain.connect(new InetSocketAddress("127.0.0.1", port), (int) WAIT.toMillis());
            plain.setSoTimeout((int) WAIT.toMillis());
            plain.setTcpNoDelay(true);
            socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
            socket.startHandshake();
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        String get(String target) throws IOException {
            send("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n");
            return readBody();
        }

        void send(String request) throws IOException {
            out.write(request.getBytes(StandardCharsets.US_ASCII)); // one write, one record
            out.flush();
        }

        void cork() {
            plain.corked.cork();
        }

        void uncork() throws IOException {
            plain.corked.uncork(0);
        }

        void uncorkAllBut(int bytes) throws IOException {
            plain.corked.uncork(bytes);
        }

        /** Reads one response with a Content-Length and returns its body. */
        String readBody() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the response ended in its head: " + head);
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A plain socket whose output stream {@link CorkedOutputStream corks}. */
    private static final class CorkedSocket extends Socket {
        private CorkedOutputStream corked;

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (corked == null) {
                corked = new CorkedOutputStream(super.getOutputStream());
            }
            return corked;
        }
    }

    /** Passes bytes straight on, except while corked: then keeps them until {@link #uncork}. */
    private static final class CorkedOutputStream extends OutputStream {
        private final OutputStream out;
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private boolean corked;

        CorkedOutputStream(OutputStream out) {
            this.out = out;
        }

        synchronized void cork() {
            corked = true;
        }

        /** Sends what is held in one write, less its last {@code keep} bytes, which stay held (and corked). */
        synchronized void uncork(int keep) throws IOException {
            byte[] bytes = held.toByteArray();
            held.reset();
            out.write(bytes, 0, bytes.length - keep);
            out.flush();
            held.write(bytes, bytes.length - keep, keep);
            corked = keep > 0;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            if (corked) {
                held.write(bytes, offset, length);
            } else {
                out.write(bytes, offset, length);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            if (!corked) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
