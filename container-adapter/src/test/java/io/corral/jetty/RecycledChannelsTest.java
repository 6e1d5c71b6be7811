package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.testing.IdleConnectionHeap;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpChannel;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The Jetty channels a CorralConnector connection keeps between HTTP/2 streams ({@link RecycledChannels}): as many
 * as ran at once, never more than the connection's maximum of concurrent streams, and none once the connection
 * hibernates. Corral's own state, which no servlet sees: {@link Http2ChannelReuseDifferentialTest} compares what
 * servlets see.
 */
class RecycledChannelsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int STREAMS = 16;

    /** Holds every request until as many as the test expects run at once, so that they really overlap. */
    static final class GateServlet extends HttpServlet {
        volatile CountDownLatch together = new CountDownLatch(0);

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            CountDownLatch latch = together;
            latch.countDown();
            try {
                latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            response.getWriter().print("ok");
        }
    }

    @Test
    void aBusyConnectionKeepsAsManyChannelsAsRanAtOnceAndNoMoreThanItsStreamLimit() throws Exception {
        GateServlet servlet = new GateServlet();
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL)
                .h2c(h2 -> h2.setMaxConcurrentStreams(8))
                .connector(connector -> ((CorralConnector) connector).setHibernateAfter(Duration.ofHours(1).toMillis()))
                .servlet("/gate", servlet).start()) {
            org.eclipse.jetty.client.HttpClient client = OneConnectionH2cClient.start();
            try {
                // 8 at once (the stream limit), held until all 8 run: 8 channels in use together.
                servlet.together = new CountDownLatch(8);
                sendAndAwait(client, server, 8);
                CorralHttpConnection connection = onlyConnection(server);
                Await.until("8 channels kept", WAIT, () -> connection.recycledChannels() == 8);
                // 16 more: the client queues what the limit refuses, at most 8 run at once, and 8 channels serve all.
                servlet.together = new CountDownLatch(0);
                for (int round = 0; round < 4; round++) {
                    sendAndAwait(client, server, STREAMS);
                    assertTrue(connection.recycledChannels() <= 8, connection.recycledChannels() + " channels kept");
                }
            } finally {
                client.stop();
            }
        }
    }

    @Test
    void aHibernatingConnectionKeepsNoChannel() throws Exception {
        GateServlet servlet = new GateServlet();
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).h2c()
                .connector(connector -> ((CorralConnector) connector).setHibernateAfter(0))
                .servlet("/gate", servlet).start()) {
            org.eclipse.jetty.client.HttpClient client = OneConnectionH2cClient.start();
            try {
                for (int round = 0; round < 3; round++) {
                    servlet.together = new CountDownLatch(STREAMS);
                    sendAndAwait(client, server, STREAMS);
                    CorralHttpConnection connection = onlyConnection(server);
                    // Idle now: it hibernates at once (hibernateAfter 0) and drops its channels; the next round's
                    // streams find none and make theirs anew.
                    Await.until("the idle connection dropped its channels", WAIT,
                            () -> connection.recycledChannels() == 0);
                }
            } finally {
                client.stop();
            }
        }
    }

    /**
     * Heap per idle h2c connection through CorralConnector after a full GC, each connection having run a burst of
     * streams: awake (its thread, its input buffer and the channels of its burst kept) and hibernating (all of that
     * given back). The clients run in a JVM of their own ({@link H2cIdleClients}), so the heap measured is the
     * server's. Logs the figures; asserts only what must hold on any machine: hibernation gives back at least the
     * 16 KiB input buffer and the channels.
     */
    @Test
    void anIdleH2cConnectionCostsLessHeapHibernating() throws Exception {
        int count = 50;
        int streams = 8;
        long awake = heapPerIdleConnection(Duration.ofHours(1), count, streams);
        long hibernating = heapPerIdleConnection(Duration.ZERO, count, streams);
        LoggerFactory.getLogger(RecycledChannelsTest.class).info(
                "server heap per idle h2c connection through CorralConnector after a burst of {} streams, after a full"
                        + " GC ({} connections): awake {} B, hibernating {} B", streams, count, awake, hibernating);
        System.out.printf("h2c idle connection heap (CorralConnector, %d streams each): awake %d B, hibernating %d B%n",
                streams, awake, hibernating);
        assertTrue(awake - hibernating >= 16_000, "awake " + awake + " B, hibernating " + hibernating
                + " B per connection");
    }

    private static long heapPerIdleConnection(Duration hibernateAfter, int count, int streams) throws Exception {
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).h2c()
                .connector(connector -> ((CorralConnector) connector).setHibernateAfter(hibernateAfter.toMillis()))
                .servlet("/gate", new GateServlet()).start()) {
            return IdleConnectionHeap.perConnection(H2cIdleClients.class, List.of(String.valueOf(server.port()),
                    "/gate", String.valueOf(count), String.valueOf(streams)), count, () -> {
                        Await.until("every connection open", WAIT,
                                () -> server.connector().getConnectedEndPoints().size() == count);
                        if (hibernateAfter.isZero()) {
                            Await.until("every connection hibernating, without channels", WAIT,
                                    () -> server.connector().getConnectedEndPoints().stream().allMatch(
                                            endPoint -> ((CorralHttpConnection) endPoint.getConnection())
                                                    .recycledChannels() == 0));
                        }
                    }, WAIT);
        }
    }

    /**
     * The engine forgets an HTTP/2 stream once its END_STREAM is out, and may hibernate the connection before Jetty
     * completes that stream and offers its channel: an offer after the drop is refused, until a request starts again.
     * The bound holds, LIFO order too.
     */
    @Test
    void anOfferBetweenHibernationAndTheNextRequestIsRefused() {
        RecycledChannels recycled = new RecycledChannels();
        recycled.bound(2);
        HttpChannel one = fakeChannel();
        HttpChannel two = fakeChannel();
        assertTrue(recycled.offer(one));
        assertTrue(recycled.offer(two));
        assertFalse(recycled.offer(fakeChannel()), "past the bound");
        assertSame(two, recycled.poll());
        assertTrue(recycled.offer(two));
        recycled.clear(); // the connection hibernates
        assertEquals(0, recycled.size());
        assertFalse(recycled.offer(one), "a stream that completed after the connection hibernated");
        assertEquals(0, recycled.size());
        assertNull(recycled.poll(), "the next request finds none and makes its own");
        assertTrue(recycled.offer(one), "awake again: kept");
        assertSame(one, recycled.poll());
    }

    private static HttpChannel fakeChannel() {
        return (HttpChannel) Proxy.newProxyInstance(HttpChannel.class.getClassLoader(),
                new Class<?>[] {HttpChannel.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "fake channel";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static void sendAndAwait(org.eclipse.jetty.client.HttpClient client, ServletServer server, int count)
            throws Exception {
        List<CompletableFuture<ContentResponse>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(new CompletableResponseListener(client.newRequest(server.uri("/gate"))
                    .timeout(WAIT.toSeconds(), TimeUnit.SECONDS)).send());
        }
        for (CompletableFuture<ContentResponse> response : responses) {
            assertEquals("ok", response.get(WAIT.toSeconds(), TimeUnit.SECONDS).getContentAsString());
        }
    }

    private static CorralHttpConnection onlyConnection(ServletServer server) {
        List<EndPoint> endPoints = new ArrayList<>(server.connector().getConnectedEndPoints());
        assertEquals(1, endPoints.size(), "one connection: " + endPoints);
        return (CorralHttpConnection) endPoints.getFirst().getConnection();
    }
}
