package io.corral.bench.sidebyside;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The WebSocket echo load generator: {@code connections} connections to an echo endpoint, each a closed
 * loop on a thread of its own that sends one masked text message of {@code size} bytes, reads the echo,
 * checks it byte for byte, and sends the next. Each message starts with its sequence number on the
 * connection, so a lost, duplicated or reordered echo does not match and counts as an error (the
 * connection then stops). Latency, send to echo received, goes into an HdrHistogram per connection.
 *
 * <p>Opening (handshakes) and closing (close handshakes) happen outside the measured window, so the
 * caller samples the server's CPU around {@link #run} alone.
 */
final class WebSocketEchoLoad implements AutoCloseable {

    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    /** Sequence numbers as 16 hex digits at the start of each message; the rest is a fixed pattern. */
    private static final int SEQUENCE_DIGITS = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final List<EchoConnection> connections;

    private WebSocketEchoLoad(List<EchoConnection> connections) {
        this.connections = connections;
    }

    /** Opens {@code count} connections to {@code path} and completes their handshakes. */
    static WebSocketEchoLoad open(InetSocketAddress server, String path, int count, int size) throws IOException {
        if (size < SEQUENCE_DIGITS) {
            throw new IllegalArgumentException("messages carry a " + SEQUENCE_DIGITS + "-digit sequence number");
        }
        List<EchoConnection> connections = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                connections.add(new EchoConnection(server, path, size));
            }
        } catch (IOException | RuntimeException e) {
            new WebSocketEchoLoad(connections).close();
            throw e;
        }
        return new WebSocketEchoLoad(connections);
    }

    /** Runs every connection's loop for {@code duration}, then returns what they did together. */
    LoadResult run(Duration duration) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(connections.size());
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>("");
        List<Thread> threads = new ArrayList<>();
        long[] startedAt = new long[1];
        for (EchoConnection connection : connections) {
            threads.add(Thread.ofPlatform().name("ws-echo-load").daemon().start(() -> {
                try {
                    start.await();
                    connection.loop(startedAt[0] + duration.toNanos());
                } catch (IOException | RuntimeException e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet("", e.toString());
                    connection.failed = true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }));
        }
        startedAt[0] = System.nanoTime();
        start.countDown();
        if (!done.await(duration.plus(SOCKET_TIMEOUT).plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
            errors.incrementAndGet();
            firstError.compareAndSet("", "connections still running past the deadline");
        }
        double seconds = (System.nanoTime() - startedAt[0]) / 1e9;
        Histogram all = new Histogram(3);
        long messages = 0;
        for (EchoConnection connection : connections) {
            all.add(connection.latencies);
            messages += connection.echoes;
        }
        return new LoadResult(messages, seconds, all.getValueAtPercentile(50) / 1e3,
                all.getValueAtPercentile(99) / 1e3, errors.get(), firstError.get());
    }

    /** Close handshakes, bounded by the socket timeout; a connection that failed is just closed. */
    @Override
    public void close() {
        for (EchoConnection connection : connections) {
            connection.close();
        }
    }

    /** One connection: its socket, buffers and counters, used by one thread at a time. */
    private static final class EchoConnection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final WebSocketWire wire = new WebSocketWire();
        private final byte[] message;
        private final byte[] received;
        /** Nanoseconds. */
        private final Histogram latencies = new Histogram(3);
        private long sequence;
        private long echoes;
        private volatile boolean failed;

        EchoConnection(InetSocketAddress server, String path, int size) throws IOException {
            socket = new Socket();
            try {
                socket.connect(server, (int) SOCKET_TIMEOUT.toMillis());
                socket.setSoTimeout((int) SOCKET_TIMEOUT.toMillis());
                socket.setTcpNoDelay(true);
                in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
                out = socket.getOutputStream();
                WebSocketWire.handshake(out, in, server, path, null);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
            message = new byte[size];
            for (int i = SEQUENCE_DIGITS; i < size; i++) {
                message[i] = (byte) ('a' + i % 26);
            }
            received = new byte[Math.max(size, 256)];
        }

        /** Echoes until {@code deadline}; counts and latencies are this window's alone. */
        void loop(long deadline) throws IOException {
            latencies.reset();
            echoes = 0;
            while (System.nanoTime() - deadline < 0) {
                writeSequence(++sequence);
                long sent = System.nanoTime();
                wire.writeFrame(out, WebSocketWire.OP_TEXT, message, 0, message.length);
                readEcho();
                latencies.recordValue(System.nanoTime() - sent);
                echoes++;
            }
        }

        /** Reads one whole text message (a server may fragment it) and compares it with what was sent. */
        private void readEcho() throws IOException {
            int length = 0;
            boolean first = true;
            while (true) {
                WebSocketWire.FrameHeader frame = WebSocketWire.readFrame(in, received, length);
                int opcode = frame.opcode();
                if (opcode == WebSocketWire.OP_PING) {
                    wire.writeFrame(out, WebSocketWire.OP_PONG, received, length, frame.length());
                    continue;
                }
                if (opcode == WebSocketWire.OP_PONG) {
                    continue;
                }
                if (opcode != (first ? WebSocketWire.OP_TEXT : WebSocketWire.OP_CONTINUATION) || frame.rsv1()) {
                    throw new IOException("expected the echo of message " + sequence + ", got opcode " + opcode
                            + (frame.rsv1() ? " with RSV1" : ""));
                }
                length += frame.length();
                first = false;
                if (frame.fin()) {
                    break;
                }
            }
            if (length != message.length || !Arrays.equals(received, 0, length, message, 0, message.length)) {
                throw new IOException("echo of message " + sequence + " differs: got "
                        + new String(received, 0, Math.min(length, SEQUENCE_DIGITS), StandardCharsets.US_ASCII)
                        + "… (" + length + " bytes)");
            }
        }

        private void writeSequence(long value) {
            for (int i = SEQUENCE_DIGITS - 1; i >= 0; i--) {
                message[i] = HEX[(int) (value & 0xF)];
                value >>>= 4;
            }
        }

        void close() {
            try (socket) {
                if (!failed && !socket.isClosed()) {
                    wire.close(out, in, received);
                }
            } catch (IOException ignored) {
                // the run is over; the server sees a reset at worst
            }
        }
    }
}
