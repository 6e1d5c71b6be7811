package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The idle timeout means "no progress for that long", as on ServerConnector: a response far larger than
 * the socket buffers, to a client that reads slowly but steadily for several idle timeouts, arrives whole
 * — whether the servlet wrote it in one call or Jetty's ResourceHandler served it from a file — while a
 * client that stops reading is still cut once no byte moved for the idle timeout.
 */
class IdleTimeoutMeansNoProgressTest {

    /** Long enough that a reader stalled by a loaded 2-core machine (GC, other builds) still counts as steady. */
    static final long IDLE_MS = 1000;
    /** Far beyond what loopback socket buffers hold (a few MiB), so most of it moves at the client's pace. */
    static final int BODY_SIZE = 16 * 1024 * 1024;
    /** The client's pace: this many bytes, then a pause. 3.2 MiB/s; a pause is a twentieth of the idle timeout. */
    static final int READ_STEP = 160 * 1024;
    static final long PAUSE_MS = 50;

    static Path file;

    @BeforeAll
    static void writeFile() throws IOException {
        file = Files.createTempDirectory("corral-idle").resolve("large.bin");
        Files.write(file, body());
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.getParent());
    }

    static byte[] body() {
        byte[] body = new byte[BODY_SIZE];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 >>> 8);
        }
        return body;
    }

    /** The whole body in one write call. */
    static final class OneWriteServlet extends HttpServlet {
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = body();
            response.setContentLength(body.length);
            try {
                response.getOutputStream().write(body);
            } catch (IOException e) {
                failure.set(e);
                throw e;
            }
        }
    }

    private static ServletServer start(ConnectorKind kind, OneWriteServlet servlet) throws Exception {
        return ServletServer.on(kind)
                .connector(connector -> connector.setIdleTimeout(IDLE_MS))
                .servlet("/one-write", servlet)
                .around(context -> {
                    ResourceHandler files = new ResourceHandler();
                    files.setBaseResource(ResourceFactory.root().newResource(file.getParent()));
                    files.setHandler(context);
                    return files;
                })
                .start();
    }

    private static Socket request(ServletServer server, String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("connection closed in the head: " + head);
            }
            head.append((char) next);
        }
        return head.toString();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"JETTY, /one-write", "CORRAL, /one-write", "JETTY, /large.bin", "CORRAL, /large.bin"})
    @DisplayName("a slow but steady reader gets the whole large response, for several idle timeouts")
    void slowButSteadyReaderGetsEverything(ConnectorKind kind, String path) throws Exception {
        OneWriteServlet servlet = new OneWriteServlet();
        try (ServletServer server = start(kind, servlet); Socket socket = request(server, path)) {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            ByteArrayOutputStream received = new ByteArrayOutputStream(BODY_SIZE);
            byte[] buffer = new byte[READ_STEP];
            long start = System.nanoTime();
            while (received.size() < BODY_SIZE) {
                int step = 0;
                while (step < READ_STEP && received.size() < BODY_SIZE) {
                    int n = in.read(buffer, 0, Math.min(READ_STEP - step, BODY_SIZE - received.size()));
                    if (n < 0) {
                        throw new IOException("cut after " + received.size() + " of " + BODY_SIZE + " bytes, "
                                + (System.nanoTime() - start) / 1_000_000 + " ms in");
                    }
                    received.write(buffer, 0, n);
                    step += n;
                }
                // The pacing is what is under test: the client deliberately reads at a slow, steady rate.
                long due = System.nanoTime() + PAUSE_MS * 1_000_000;
                Await.until("the next read to be due", Duration.ofSeconds(2), () -> System.nanoTime() - due >= 0);
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs > 3 * IDLE_MS, "the response took only " + elapsedMs + " ms: the test proves nothing");
            assertTrue(java.util.Arrays.equals(body(), received.toByteArray()), "body differs");
            assertEquals(null, servlet.failure.get());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a client that stops reading is cut once no byte moved for the idle timeout")
    void stoppedReaderIsCut(ConnectorKind kind) throws Exception {
        OneWriteServlet servlet = new OneWriteServlet();
        try (ServletServer server = start(kind, servlet); Socket socket = request(server, "/one-write")) {
            Await.until("the servlet's write to fail", Duration.ofSeconds(20), () -> servlet.failure.get() != null);
            InputStream in = socket.getInputStream();
            long received = 0;
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received += n;
                }
            } catch (SocketException reset) {
                // A reset is a cut too.
            }
            assertTrue(received < BODY_SIZE, "the whole body arrived: nothing was cut");
        }
    }
}
