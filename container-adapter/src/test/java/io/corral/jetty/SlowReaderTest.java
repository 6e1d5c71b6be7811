package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A large streaming response to a client that does not read: the servlet's writes must block once the
 * socket buffers are full, so the server holds a bounded amount of the response in memory, and everything
 * arrives once the client reads.
 */
class SlowReaderTest {

    private static final long RESPONSE_SIZE = 64L * 1024 * 1024;
    /** Socket buffers on both sides plus the connector's own buffers stay far below this. */
    private static final long BOUND = 16L * 1024 * 1024;

    static final class FirehoseServlet extends HttpServlet {
        final AtomicLong written = new AtomicLong();

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentLengthLong(RESPONSE_SIZE);
            OutputStream out = response.getOutputStream();
            byte[] piece = new byte[8192];
            for (long sent = 0; sent < RESPONSE_SIZE; sent += piece.length) {
                out.write(piece);
                written.addAndGet(piece.length);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void writesBlockWhileTheClientDoesNotRead(ConnectorKind kind) throws Exception {
        FirehoseServlet servlet = new FirehoseServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/firehose", servlet).start();
             Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /firehose HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            // Wait until the servlet stalls: no progress over 300 ms.
            long[] last = {-1, System.nanoTime()};
            Await.until("the servlet's writes to stall", Duration.ofSeconds(10), () -> {
                long now = servlet.written.get();
                if (now != last[0]) {
                    last[0] = now;
                    last[1] = System.nanoTime();
                    return false;
                }
                return now > 0 && System.nanoTime() - last[1] > 300_000_000L;
            });
            long stalledAt = servlet.written.get();
            assertTrue(stalledAt < BOUND, "servlet wrote " + stalledAt + " bytes to a client that reads nothing");

            InputStream in = socket.getInputStream();
            long received = 0;
            byte[] buffer = new byte[256 * 1024];
            int headEnd = -1;
            long bodyBytes = 0;
            // Read the head, then count body bytes until the whole Content-Length has arrived.
            StringBuilder head = new StringBuilder();
            while (headEnd < 0) {
                int next = in.read();
                head.append((char) next);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    headEnd = head.length();
                }
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
            assertTrue(head.toString().contains("Content-Length: " + RESPONSE_SIZE), head.toString());
            while (bodyBytes < RESPONSE_SIZE) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, RESPONSE_SIZE - bodyBytes));
                if (n < 0) {
                    break;
                }
                bodyBytes += n;
                received += n;
            }
            assertEquals(RESPONSE_SIZE, bodyBytes);
            assertEquals(bodyBytes, received);
            // The servlet counts a write once it returns, which may be just after the client has the bytes.
            Await.until("the servlet to finish writing", Duration.ofSeconds(5), () -> servlet.written.get() == RESPONSE_SIZE);
        }
    }
}
