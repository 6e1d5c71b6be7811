package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that goes away mid-request or mid-response: the servlet sees an {@link IOException} from its
 * stream, the connection is cleaned up (the connector tracks no endpoint for it any more) and the server
 * keeps serving others.
 */
class ClientDisconnectTest {

    /** Reads the whole body; reports how the read ended. */
    static final class ReadingServlet extends HttpServlet {
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) {
            try {
                request.getInputStream().readAllBytes();
                outcome.complete(null);
            } catch (Throwable x) {
                outcome.complete(x);
            }
        }
    }

    /** Writes until the write fails (bounded); reports how the writing ended. */
    static final class WritingServlet extends HttpServlet {
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        final CountDownLatch writing = new CountDownLatch(1);

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            byte[] piece = new byte[16 * 1024];
            try {
                OutputStream out = response.getOutputStream();
                for (int i = 0; i < 64 * 1024; i++) { // at most 1 GiB: far beyond any socket buffer
                    out.write(piece);
                    writing.countDown();
                }
                outcome.complete(null);
            } catch (Throwable x) {
                outcome.complete(x);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void clientGoneMidRequestBody(ConnectorKind kind) throws Exception {
        ReadingServlet servlet = new ReadingServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/read", servlet).start()) {
            try (RawConnection client = server.connect()) {
                client.send("POST /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\nonly a little");
                Await.until("the request to be handled", Duration.ofSeconds(5), () -> !server.connector().getConnectedEndPoints().isEmpty());
            }
            Throwable failure = servlet.outcome.get(5, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, failure, String.valueOf(failure));
            awaitNoConnections(server);
            assertServesAgain(server);
        }
    }

    /** Reads the whole body and lets whatever the read throws propagate, as most upload servlets do. */
    static final class UploadServlet extends HttpServlet {
        final Semaphore failed = new Semaphore(0);

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            try {
                request.getInputStream().readAllBytes();
            } catch (IOException x) {
                failed.release();
                throw x;
            }
        }
    }

    /**
     * A client that gives up on an upload is the client's business: Jetty's ServerConnector logs nothing
     * above DEBUG for it, and neither may Corral (an operator acts on every WARN; a client must not be able
     * to write them at will).
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void anAbortedUploadLogsNoWarning(ConnectorKind kind) throws Exception {
        UploadServlet servlet = new UploadServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/upload", servlet).start();
             LogCapture log = LogCapture.start()) {
            for (boolean reset : new boolean[] {false, true}) {
                try (RawConnection client = server.connect()) {
                    client.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n"
                            + "only a little");
                    Await.until("the upload to be read", Duration.ofSeconds(5),
                            () -> !server.connector().getConnectedEndPoints().isEmpty());
                    if (reset) {
                        client.socket().setSoLinger(true, 0);
                    }
                }
                assertTrue(servlet.failed.tryAcquire(5, TimeUnit.SECONDS), "the servlet's read never failed");
                awaitNoConnections(server);
            }
            assertServesAgain(server);
            assertEquals(List.of(), log.warnings());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void clientGoneMidChunkedRequestBody(ConnectorKind kind) throws Exception {
        ReadingServlet servlet = new ReadingServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/read", servlet).start()) {
            try (RawConnection client = server.connect()) {
                client.send("POST /read HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
                Await.until("the request to be handled", Duration.ofSeconds(5), () -> !server.connector().getConnectedEndPoints().isEmpty());
            }
            assertInstanceOf(IOException.class, servlet.outcome.get(5, TimeUnit.SECONDS));
            awaitNoConnections(server);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void clientGoneMidResponse(ConnectorKind kind) throws Exception {
        WritingServlet servlet = new WritingServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/write", servlet).start()) {
            try (RawConnection client = server.connect()) {
                client.send("GET /write HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertTrue(servlet.writing.await(5, TimeUnit.SECONDS));
                client.socket().setSoLinger(true, 0); // close with a reset, as a crashed client would
            }
            Throwable failure = servlet.outcome.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, failure, String.valueOf(failure));
            awaitNoConnections(server);
            assertServesAgain(server);
        }
    }

    /** Writes a large body and lets a failed write through, as most servlets do. */
    static final class LargeBodyServlet extends HttpServlet {
        final CountDownLatch writing = new CountDownLatch(1);

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] piece = new byte[16 * 1024];
            OutputStream out = response.getOutputStream();
            for (int i = 0; i < 64 * 1024; i++) { // at most 1 GiB: far beyond any socket buffer
                out.write(piece);
                writing.countDown();
            }
        }
    }

    /**
     * A client that resets mid-response makes the servlet's write fail, and the servlet lets that through:
     * ServerConnector reports it as an {@code EofException}, which Jetty logs at DEBUG; so must Corral, or any
     * client could write a WARN line at will.
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aResetMidResponseLogsNoWarning(ConnectorKind kind) throws Exception {
        LargeBodyServlet servlet = new LargeBodyServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/large", servlet).start();
             LogCapture log = LogCapture.start()) {
            try (RawConnection client = server.connect()) {
                client.send("GET /large HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertTrue(servlet.writing.await(5, TimeUnit.SECONDS));
                client.socket().setSoLinger(true, 0);
            }
            awaitNoConnections(server);
            assertServesAgain(server);
            assertEquals(List.of(), log.warnings());
        }
    }

    private static void awaitNoConnections(ServletServer server) {
        Await.until("the connection to be cleaned up", Duration.ofSeconds(5),
                () -> server.connector().getConnectedEndPoints().isEmpty());
        if (server.connector() instanceof CorralConnector corral) {
            Await.until("the listener to count no live connection", Duration.ofSeconds(5),
                    () -> corral.stats().active() == 0);
        }
    }

    private static void assertServesAgain(ServletServer server) throws Exception {
        try (RawConnection client = server.connect()) {
            client.send("GET /elsewhere HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(404, client.read().status());
        }
    }
}
