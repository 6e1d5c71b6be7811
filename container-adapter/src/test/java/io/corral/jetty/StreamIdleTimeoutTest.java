package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Idle timeouts set for a request take effect on Corral as on ServerConnector: the
 * {@code HttpConfiguration}'s (which Jetty applies through {@code HttpStream.setIdleTimeout}) and one an
 * application sets on the request's endpoint both end a body read the client stalls, long before the
 * connector's own idle timeout would. And an async servlet that completes while its body is unread does
 * not wait for the client: Corral's body never holds its lock across a socket read.
 */
class StreamIdleTimeoutTest {

    static final long CONNECTOR_IDLE_MS = 30_000;
    static final long SHORT_IDLE_MS = 500;
    /** Well below the connector's idle timeout, far above the short one: holds on a loaded machine. */
    static final Duration WITHIN = Duration.ofSeconds(10);

    /** Reads the whole body blocking; records when and how the read ended. */
    static final class BlockingReader extends HttpServlet {
        final boolean setOnEndPoint;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        BlockingReader(boolean setOnEndPoint) {
            this.setOnEndPoint = setOnEndPoint;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (setOnEndPoint) {
                ServletContextRequest.getServletContextRequest(request).getConnectionMetaData().getConnection()
                        .getEndPoint().setIdleTimeout(SHORT_IDLE_MS);
            }
            InputStream in = request.getInputStream();
            try {
                while (in.read(new byte[1024]) >= 0) {
                    // drain
                }
            } catch (IOException e) {
                failure.set(e);
                throw e;
            }
        }
    }

    private static void stalledBodyFailsSoon(ConnectorKind kind, boolean viaConfiguration) throws Exception {
        BlockingReader servlet = new BlockingReader(!viaConfiguration);
        ServletServer.Builder builder = ServletServer.on(kind)
                .connector(connector -> connector.setIdleTimeout(CONNECTOR_IDLE_MS))
                .servlet("/read", servlet);
        if (viaConfiguration) {
            builder.http(http -> http.setIdleTimeout(SHORT_IDLE_MS));
        }
        try (ServletServer server = builder.start(); RawConnection client = server.connect()) {
            client.send("POST /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789");
            // Within seconds, where the connector's own timeout would take half a minute. (No lower bound:
            // the timer starts with the request, which a loaded machine may hand to the servlet late.)
            Await.until("the servlet's body read to fail", WITHIN, () -> servlet.failure.get() != null);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("HttpConfiguration.setIdleTimeout ends a stalled body read, not the connector's longer timeout")
    void httpConfigurationIdleTimeoutApplies(ConnectorKind kind) throws Exception {
        stalledBodyFailsSoon(kind, true);
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("an idle timeout the application sets on the request's endpoint ends a stalled body read")
    void requestLevelIdleTimeoutApplies(ConnectorKind kind) throws Exception {
        stalledBodyFailsSoon(kind, false);
    }

    /** Reads what is there asynchronously, then completes from another thread with the body unread. */
    static final class CompletesWithUnreadBody extends HttpServlet {
        final AtomicLong completeTookNanos = new AtomicLong(-1);

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            ServletInputStream in = request.getInputStream();
            in.setReadListener(new ReadListener() {
                private boolean completing;

                @Override
                public void onDataAvailable() throws IOException {
                    byte[] buffer = new byte[1024];
                    while (in.isReady() && in.read(buffer) >= 0) {
                        // take what came
                    }
                    if (!completing) {
                        // The body is not finished and a read is demanded: complete now, body unread.
                        completing = true;
                        Thread.ofVirtual().start(() -> {
                            long start = System.nanoTime();
                            response.setStatus(204);
                            async.complete();
                            completeTookNanos.set(System.nanoTime() - start);
                        });
                    }
                }

                @Override
                public void onAllDataRead() {
                }

                @Override
                public void onError(Throwable failure) {
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("an async servlet that completes with its body unread is not held up by the client's silence")
    void completingWithAnUnreadBodyDoesNotStall(ConnectorKind kind) throws Exception {
        CompletesWithUnreadBody servlet = new CompletesWithUnreadBody();
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        try (ServletServer server = ServletServer.on(kind)
                .connector(connector -> connector.setIdleTimeout(CONNECTOR_IDLE_MS))
                .servlet("/complete", holder).start();
             RawConnection client = server.connect()) {
            client.send("POST /complete HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n0123456789");
            RawResponse response = client.read();
            assertEquals(204, response.status());
            Await.until("complete() to return", WITHIN, () -> servlet.completeTookNanos.get() >= 0);
            long tookMs = servlet.completeTookNanos.get() / 1_000_000;
            assertTrue(tookMs < WITHIN.toMillis(), "complete() took " + tookMs + " ms");
        }
    }
}
