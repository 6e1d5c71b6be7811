package io.corral.bench.sidebyside;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The handshake-rate load generator: {@code total} WebSocket connections, {@code inFlight} at a time, each
 * one connect, opening handshake (latency: connect to the 101 read and its {@code Sec-WebSocket-Accept}
 * checked), then a close handshake and the socket closed. Source addresses rotate over 127.0.0.2 …
 * 127.0.0.17 so that tens of thousands of short connections in a row never run out of ephemeral ports
 * to sockets still in TIME_WAIT.
 */
final class WebSocketHandshakeLoad {

    private static final int SOURCE_ADDRESSES = 16;
    private static final int SOCKET_TIMEOUT_MS = 10_000;

    private WebSocketHandshakeLoad() {
    }

    /** Runs until {@code total} handshakes are done or {@code limit} has passed, whichever comes first. */
    static LoadResult run(InetSocketAddress server, String path, int total, int inFlight, Duration limit)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>("");
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        for (int t = 0; t < inFlight; t++) {
            Histogram latencies = new Histogram(3);
            histograms.add(latencies);
            threads.add(Thread.ofPlatform().name("ws-handshake-load").daemon().start(() -> {
                WebSocketWire wire = new WebSocketWire();
                byte[] scratch = new byte[256];
                int i;
                while ((i = next.getAndIncrement()) < total && System.nanoTime() - deadline < 0) {
                    try {
                        latencies.recordValue(handshakeAndClose(server, path, source(i), wire, scratch));
                        done.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet("", e.toString());
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(limit.toMillis() + 2L * SOCKET_TIMEOUT_MS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(3);
        histograms.forEach(all::add);
        if (done.get() + errors.get() < total) {
            errors.addAndGet(total - done.get() - errors.get());
            firstError.compareAndSet("", "not every handshake finished within " + limit);
        }
        return new LoadResult(done.get(), seconds, all.getValueAtPercentile(50) / 1e3,
                all.getValueAtPercentile(99) / 1e3, errors.get(), firstError.get());
    }

    /** The handshake's latency in nanoseconds. */
    private static long handshakeAndClose(InetSocketAddress server, String path, InetAddress source,
                                          WebSocketWire wire, byte[] scratch) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            long start = System.nanoTime();
            socket.connect(server, SOCKET_TIMEOUT_MS);
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
            OutputStream out = socket.getOutputStream();
            WebSocketWire.handshake(out, in, server, path, null);
            long latency = System.nanoTime() - start;
            wire.close(out, in, scratch);
            return latency;
        }
    }

    private static InetAddress source(int i) throws IOException {
        int host = 2 + i % SOURCE_ADDRESSES;
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host});
    }
}
