package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Jetty's graceful stop ({@code Server.setStopTimeout}) with HTTP/2 requests in flight, on ServerConnector with
 * Jetty's HTTP/2 and on CorralConnector with Corral's: the request in flight over h2c completes, and the stop returns
 * once it has — well before its timeout, although the client keeps its connection open (Jetty's HTTP2Client does),
 * by prior knowledge and for a connection that came by {@code Upgrade: h2c} (the JDK's HttpClient). What differs:
 * without Jetty's shutdown idle timeout, ServerConnector never ends an upgraded h2c connection (its stop takes the
 * whole stop timeout), Corral's drain does.
 */
class Http2GracefulStopTest {

    /** Far longer than a stop may take here: a stop that waited for it failed. */
    private static final int STOP_TIMEOUT_MS = 20_000;
    /** What a stop that only waited for the request in flight takes at most on a loaded machine. */
    private static final long STOP_WITHIN_MS = 10_000;

    /**
     * @param shutdownIdleTimeout Jetty's {@code AbstractConnector.setShutdownIdleTimeout}: -1 to turn off the 1 s
     *                            idle timeout a graceful shutdown puts on every connection, so that only the
     *                            protocol's own drain can end one
     */
    private static ServletServer start(ConnectorKind kind, SlowServlet servlet,
            long shutdownIdleTimeout) throws Exception {
        // The connector's idle timeout is longer than the stop timeout: a stop waiting for idle connections would
        // take all of it.
        return ServletServer.on(kind).h2c().servlet("/work", servlet)
                .connector(connector -> {
                    connector.setIdleTimeout(60_000);
                    connector.setShutdownIdleTimeout(shutdownIdleTimeout);
                })
                .server(s -> s.setStopTimeout(STOP_TIMEOUT_MS)).start();
    }

    private static CompletableFuture<Long> stopInBackground(ServletServer server) {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            server.close();
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        });
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aRequestInFlightOverH2cCompletesAndTheStopThenReturns(ConnectorKind kind) throws Exception {
        // Both connectors end the connection by HTTP/2's own GOAWAY here, without the shutdown idle timeout.
        SlowServlet servlet = new SlowServlet("done", Duration.ofSeconds(10));
        ServletServer server = start(kind, servlet, -1);
        org.eclipse.jetty.client.HttpClient client =
                new org.eclipse.jetty.client.HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        try {
            CompletableFuture<ContentResponse> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.newRequest(server.uri("/work?slow")).timeout(30, TimeUnit.SECONDS).send();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertTrue(servlet.entered.await(30, TimeUnit.SECONDS));
            CompletableFuture<Long> stopped = stopInBackground(server);
            Await.until("the connector to stop accepting", java.time.Duration.ofSeconds(10),
                    () -> !server.connector().isOpen());
            assertFalse(stopped.isDone(), "stopped while a request was in flight");
            servlet.release.countDown();
            ContentResponse response = slow.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.getStatus());
            assertEquals("done", response.getContentAsString());
            long took = stopped.get(STOP_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
            assertTrue(took < STOP_WITHIN_MS, "the stop took " + took + " ms: it waited for the client's connection");
        } finally {
            servlet.release.countDown();
            client.stop();
            server.close();
        }
    }

    /**
     * How long the client's application stays busy with the last response's head: well within Corral's drained
     * linger at Jetty's default shutdown idle timeout (1 s), far longer than a connection takes to end once a
     * server ends it.
     */
    private static final long CLIENT_BUSY_MS = 250;

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aClientBusyWhenTheLastResponseOfAStopArrivesStillGetsItsBody(ConnectorKind kind) throws Exception {
        // The last response's frames reach Jetty's HTTP2Client while its application is still busy with the head:
        // had the server ended the connection then (Corral's FIN right after the last END_STREAM did), the client
        // would drop the unread DATA and complete the response as 200 with an empty body.
        clientBusyWithTheLastResponse(kind, -1, CLIENT_BUSY_MS);
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aLongerShutdownIdleTimeoutGivesABusyClientLongerToTakeTheLastResponse(ConnectorKind kind) throws Exception {
        // Busy for 2 s, past the default 1 s: ServerConnector lets the idle connection live for the shutdown idle
        // timeout (4 s here), and Corral's drained connection waits as long for its client (Http2Config.drainedLinger,
        // mapped from the same setting) instead of its default 1 s, which lost this body.
        clientBusyWithTheLastResponse(kind, 4_000, 2_000);
    }

    private static void clientBusyWithTheLastResponse(ConnectorKind kind, long shutdownIdleTimeout, long busyMs)
            throws Exception {
        // The client's wait ends early when the stop completes, which it can only do once the connection has ended.
        SlowServlet servlet = new SlowServlet("done", Duration.ofSeconds(10));
        ServletServer server = start(kind, servlet, shutdownIdleTimeout);
        org.eclipse.jetty.client.HttpClient client =
                new org.eclipse.jetty.client.HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        CompletableFuture<Long> stopped = new CompletableFuture<>();
        try {
            CompletableFuture<ContentResponse> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.newRequest(server.uri("/work?slow")).timeout(30, TimeUnit.SECONDS)
                            .onResponseHeaders(head -> {
                                try {
                                    stopped.get(busyMs, TimeUnit.MILLISECONDS);
                                } catch (java.util.concurrent.TimeoutException expected) {
                                    // the connection is still open: the body can be read
                                } catch (Exception e) {
                                    throw new RuntimeException(e);
                                }
                            }).send();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertTrue(servlet.entered.await(30, TimeUnit.SECONDS));
            stopInBackground(server).whenComplete((took, failure) -> stopped.complete(took));
            Await.until("the connector to stop accepting", java.time.Duration.ofSeconds(10),
                    () -> !server.connector().isOpen());
            servlet.release.countDown();
            ContentResponse response = slow.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.getStatus());
            assertEquals("done", response.getContentAsString());
            assertTrue(stopped.get(STOP_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS) < STOP_WITHIN_MS);
        } finally {
            servlet.release.countDown();
            client.stop();
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aRequestInFlightOnAConnectionUpgradedToH2cCompletesAndTheStopThenReturns(ConnectorKind kind)
            throws Exception {
        // With Jetty's default shutdown idle timeout: ServerConnector relies on it to end an upgraded connection
        // (without it its stop takes the whole stop timeout); Corral's drain sends GOAWAY there too (below).
        upgradedConnectionStops(kind, 1000);
    }

    @Test
    void corralsDrainEndsAConnectionUpgradedToH2cWithoutTheShutdownIdleTimeout() throws Exception {
        upgradedConnectionStops(ConnectorKind.CORRAL, -1);
    }

    private static void upgradedConnectionStops(ConnectorKind kind, long shutdownIdleTimeout) throws Exception {
        SlowServlet servlet = new SlowServlet("done", Duration.ofSeconds(10));
        ServletServer server = start(kind, servlet, shutdownIdleTimeout);
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            // The JDK's client asks for h2c with Upgrade on its first request; the slow one rides the upgraded
            // connection as a stream of its own.
            HttpResponse<String> first = client.send(HttpRequest.newBuilder(server.uri("/work")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, first.version(), "upgraded");
            CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                    HttpRequest.newBuilder(server.uri("/work?slow")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(servlet.entered.await(30, TimeUnit.SECONDS));
            CompletableFuture<Long> stopped = stopInBackground(server);
            Await.until("the connector to stop accepting", java.time.Duration.ofSeconds(10),
                    () -> !server.connector().isOpen());
            assertFalse(stopped.isDone(), "stopped while a request was in flight");
            servlet.release.countDown();
            HttpResponse<String> response = slow.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals("done", response.body());
            assertEquals(HttpClient.Version.HTTP_2, response.version());
            long took = stopped.get(STOP_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
            assertTrue(took < STOP_WITHIN_MS, "the stop took " + took + " ms: it waited for the client's connection");
        } finally {
            servlet.release.countDown();
            server.close();
        }
    }
}
