package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Servlet 6 async: non-blocking reads ({@link ReadListener}) and writes ({@link WriteListener}) and the
 * {@link AsyncContext} life cycle (complete from another thread, dispatch, timeout), on both connectors.
 */
class AsyncServletIoTest {

    /** Reads the body with a ReadListener and echoes it, upper-cased, once all data has been read. */
    static final class ReadListenerEchoServlet extends HttpServlet {
        final CountDownLatch firstBytesRead = new CountDownLatch(1);

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            ServletInputStream in = request.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            in.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    byte[] buffer = new byte[64];
                    while (in.isReady()) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            break;
                        }
                        received.write(buffer, 0, n);
                        firstBytesRead.countDown();
                    }
                }

                @Override
                public void onAllDataRead() throws IOException {
                    response.setContentType("text/plain");
                    response.getOutputStream().write(received.toString(StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
                    async.complete();
                }

                @Override
                public void onError(Throwable failure) {
                    async.complete();
                }
            });
        }
    }

    /** Writes {@code size} bytes with a WriteListener, as fast as isReady() allows. */
    static final class WriteListenerServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int size = Integer.parseInt(request.getParameter("size"));
            AsyncContext async = request.startAsync();
            ServletOutputStream out = response.getOutputStream();
            byte[] piece = new byte[8192];
            java.util.Arrays.fill(piece, (byte) 'w');
            out.setWriteListener(new WriteListener() {
                int written;

                @Override
                public void onWritePossible() throws IOException {
                    while (out.isReady()) {
                        if (written >= size) {
                            async.complete();
                            return;
                        }
                        int length = Math.min(piece.length, size - written);
                        out.write(piece, 0, length);
                        written += length;
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    async.complete();
                }
            });
        }
    }

    /** Starts async and completes from another thread once the test releases it. */
    static final class CompleteElsewhereServlet extends HttpServlet {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            async.setTimeout(10_000);
            async.start(() -> {
                try {
                    if (release.await(5, TimeUnit.SECONDS)) {
                        response.setStatus(202);
                        response.getWriter().print("completed elsewhere");
                    }
                } catch (InterruptedException | IOException e) {
                    response.setStatus(500);
                }
                async.complete();
            });
        }
    }

    /** Dispatches the async request to /target, carrying an attribute. */
    static final class DispatchServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            request.setAttribute("dispatched-from", request.getRequestURI());
            AsyncContext async = request.startAsync();
            new Thread(() -> async.dispatch("/target")).start();
        }
    }

    static final class TargetServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print("target after " + request.getAttribute("dispatched-from") + " via "
                    + request.getDispatcherType());
        }
    }

    /** Never completes: the async timeout's listener answers 503. */
    static final class TimeoutServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            async.setTimeout(150);
            async.addListener(new AsyncListener() {
                @Override
                public void onTimeout(AsyncEvent event) throws IOException {
                    HttpServletResponse timedOut = (HttpServletResponse) event.getSuppliedResponse();
                    timedOut.setStatus(503);
                    timedOut.getWriter().print("timed out");
                    event.getAsyncContext().complete();
                }

                @Override
                public void onComplete(AsyncEvent event) {
                }

                @Override
                public void onError(AsyncEvent event) {
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                }
            });
        }
    }

    private static ServletHolder async(jakarta.servlet.Servlet servlet) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        return holder;
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void readListenerGetsBodyAsItArrives(ConnectorKind kind) throws Exception {
        ReadListenerEchoServlet servlet = new ReadListenerEchoServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/read", async(servlet)).start();
             RawConnection client = server.connect()) {
            client.send("POST /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello");
            // The listener must see the first part before the client sends the rest: a real async read.
            assertTrue(servlet.firstBytesRead.await(5, TimeUnit.SECONDS));
            client.send(" world");
            RawResponse response = client.read();
            assertEquals(200, response.status());
            assertEquals("HELLO WORLD", response.text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void readListenerWithChunkedBody(ConnectorKind kind) throws Exception {
        ReadListenerEchoServlet servlet = new ReadListenerEchoServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/read", async(servlet)).start();
             RawConnection client = server.connect()) {
            client.send("POST /read HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
            assertTrue(servlet.firstBytesRead.await(5, TimeUnit.SECONDS));
            client.send("2\r\nde\r\n0\r\n\r\n");
            assertEquals("ABCDE", client.read().text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void writeListenerStreamsALargeBody(ConnectorKind kind) throws Exception {
        int size = 4 * 1024 * 1024;
        try (ServletServer server = ServletServer.on(kind).servlet("/write", async(new WriteListenerServlet())).start();
             RawConnection client = server.connect()) {
            client.send("GET /write?size=" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse response = client.read();
            assertEquals(200, response.status());
            assertEquals(size, response.body().length);
            // Then the connection is reusable.
            client.send("GET /write?size=10 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(10, client.read().body().length);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void asyncContextCompletedFromAnotherThread(ConnectorKind kind) throws Exception {
        CompleteElsewhereServlet servlet = new CompleteElsewhereServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/later", async(servlet)).start();
             RawConnection client = server.connect()) {
            client.send("GET /later HTTP/1.1\r\nHost: localhost\r\n\r\n");
            // Nothing is sent while the request is async and not complete.
            assertEquals(false, client.isClosedByServer(200));
            servlet.release.countDown();
            RawResponse response = client.read();
            assertEquals(202, response.status());
            assertEquals("completed elsewhere", response.text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void asyncDispatchRunsTheTargetServlet(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind)
                .servlet("/dispatch", async(new DispatchServlet()))
                .servlet("/target", async(new TargetServlet()))
                .start();
             RawConnection client = server.connect()) {
            client.send("GET /dispatch HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse response = client.read();
            assertEquals(200, response.status());
            assertEquals("target after /dispatch via ASYNC", response.text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void asyncTimeoutIsAnsweredByTheListener(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/timeout", async(new TimeoutServlet())).start();
             RawConnection client = server.connect()) {
            client.send("GET /timeout HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse response = client.read();
            assertEquals(503, response.status());
            assertEquals("timed out", response.text());
            // The connection survives the timeout.
            client.send("GET /timeout HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(503, client.read().status());
        }
    }
}
