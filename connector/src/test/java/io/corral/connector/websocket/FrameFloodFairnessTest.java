package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.listener.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 18, "fair under CPU floods", on the native engine: connections keep their sockets full of tiny frames while a
 * control client runs text echoes on a connection of its own, one at a time: 200 connections sending 1-byte
 * fragments of endless binary messages (data, which no rate stops), 4 connections each with megabytes of such
 * fragments queued (threads that always have bytes to read), and 200 connections sending pings at the default
 * control-frame rate (each closed with 1008 after 100).
 *
 * <p>The bound holds on a loaded 2-core machine shared with the flood's own writer: the control client's p99 at most
 * twice its unloaded p99 or {@value #P99_FLOOR_MILLIS} ms, whichever is more, and no echo over
 * {@value #WORST_ALLOWED_MILLIS} ms (measured here with a load average of 14–26 from other builds: p99 2–217 ms,
 * worst 0.05–1.1 s; the issue measured stalls of 1.3–2 s). Issue 18's 1 s was tried once the acceptors were paced
 * ({@code AcceptPacing}): 10 runs at load 14–18 saw a worst of 126–658 ms with 200 connections of fragments,
 * 3–108 ms with 4, and 129–570 ms with 200 of pings (p99 at most 176 ms). That is over 60% of 1 s, and 1.1 s was
 * seen before, so the bound stays at 2 s: a flood that stalled the control client for its duration (seconds) still
 * fails it. What failed it while it was written: {@code Thread.yield()}
 * as {@link FairTurn}'s step aside (the control client timed out: a yielding thread goes back to its carrier's own
 * queue, ahead of the I/O poller that would wake the control connection); draining a closed flooder's flood for the
 * whole close timeout (worst 4.7 s); and, with pings past the rate, the JDK's default virtual-thread I/O pollers
 * (1.1 s; the suite runs with {@code -Djdk.pollerMode=1}). With this one writer thread the flooders' threads still
 * park often enough that the test also passes with {@link FairTurn} turned off: it guards against a faster attacker,
 * and here shows that stepping aside costs the control client nothing.
 */
class FrameFloodFairnessTest {

    private static final int ROUNDS = 300;
    /** Up to this many flooders, each is given a backlog of megabytes. */
    private static final int FEW = 10;
    private static final long P99_FLOOR_MILLIS = 500;
    private static final long WORST_ALLOWED_MILLIS = 2_000;
    /** How long the flood keeps going at most, whatever happens: the writer stops then. */
    private static final Duration FLOOD_LIMIT = Duration.ofSeconds(60);

    enum Flood {
        /** Fragments of 1 byte, 7 bytes on the wire each. */
        ONE_BYTE_FRAGMENTS,
        /** Pings of 1 byte, at the default control-frame rate. */
        PINGS
    }

    /** What each flooder writes again and again: 1,000 frames. */
    private static byte[] burst(Flood flood) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            bytes.writeBytes(switch (flood) {
                case ONE_BYTE_FRAGMENTS -> TestClient.maskedFrame(i == 999, 0, i == 0 ? Opcode.BINARY : Opcode.CONTINUATION,
                        new byte[] {(byte) i});
                case PINGS -> TestClient.maskedFrame(true, 0, Opcode.PING, new byte[] {(byte) i});
            });
        }
        return bytes.toByteArray();
    }

    @ParameterizedTest(name = "{0} from {1} connections")
    @CsvSource({"ONE_BYTE_FRAGMENTS, 200", "ONE_BYTE_FRAGMENTS, 4", "PINGS, 200"})
    @DisplayName("a flood of tiny frames does not stall another client")
    void aFloodOfTinyFramesDoesNotStallOtherClients(Flood flood, int flooderCount) throws Exception {
        // Binary messages are dropped (a flooder reads nothing, so echoing them would park its thread in a write,
        // which is not the CPU flood this measures); text is echoed for the control client.
        WebSocketHandler textEcho = new WebSocketHandler() {
            @Override
            public void onText(WebSocketSession session, String message) throws Exception {
                session.sendText(message);
            }
        };
        try (EchoServer server = new EchoServer(WebSocketConfig.DEFAULTS, () -> textEcho);
             TestClient control = server.connectRaw(Duration.ofSeconds(10))) {
            echoRounds(control, 100); // warm-up
            long[] unloaded = echoRounds(control, ROUNDS);

            List<Socket> flooders = new ArrayList<>();
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong framesWritten = new AtomicLong();
            Thread writer = null;
            long[] loaded;
            try {
                for (int i = 0; i < flooderCount; i++) {
                    // A few flooders get large send buffers: a backlog of megabytes each, so that their threads always
                    // have bytes to read (one writer thread could not keep up with the server otherwise). Not for
                    // 200 of them: that would be gigabytes of kernel memory.
                    int sendBuffer = flooderCount <= FEW ? 8 << 20 : 0;
                    flooders.add(server.connectRaw(Duration.ofSeconds(10), sendBuffer).connection().socket());
                }
                byte[] burst = burst(flood);
                // One platform thread writes to every flooder as fast as their sockets take it: a load generator
                // that costs little CPU of its own, and none of the server's carriers.
                writer = Thread.ofPlatform().daemon().name("flood-writer").start(
                        () -> flood(flooders, burst, flooding, framesWritten));
                // Measure once the flood is under way: every flooder has been sent a burst at least.
                Await.until(Duration.ofSeconds(30), () -> framesWritten.get() >= flooderCount * (flooderCount <= FEW ? 100_000L : 1_000L),
                        () -> "the flood to start: " + framesWritten.get() + " frames written");
                loaded = echoRounds(control, ROUNDS);
                if (flood == Flood.PINGS) {
                    Await.until(Duration.ofSeconds(30), () -> server.listener().stats().active() == 1,
                            () -> "every ping flooder closed: " + server.listener().stats());
                }
            } finally {
                flooding.set(false);
                if (writer != null) {
                    writer.join(10_000);
                }
                for (Socket socket : flooders) {
                    socket.close();
                }
            }
            long unloadedP99 = p99(unloaded);
            long loadedP99 = p99(loaded);
            long worst = Arrays.stream(loaded).max().orElseThrow();
            String figures = String.format(flooderCount + " × %s: unloaded p99 %.2f ms, flooded p99 %.2f ms, worst %.2f ms, %d frames written",
                    flood, unloadedP99 / 1e6, loadedP99 / 1e6, worst / 1e6, framesWritten.get());
            System.out.println(figures);
            long allowed = Math.max(2 * unloadedP99, Duration.ofMillis(P99_FLOOR_MILLIS).toNanos());
            assertTrue(loadedP99 <= allowed, figures);
            assertTrue(worst <= Duration.ofMillis(WORST_ALLOWED_MILLIS).toNanos(), figures);
        }
    }

    /**
     * Writes {@code burst} to every flooder again and again through one selector, until {@code flooding} ends or
     * {@link #FLOOD_LIMIT} passes. A flooder the server closed drops out.
     */
    private static void flood(List<Socket> flooders, byte[] burst, AtomicBoolean flooding, AtomicLong framesWritten) {
        long end = System.nanoTime() + FLOOD_LIMIT.toNanos();
        try (Selector selector = Selector.open()) {
            for (Socket socket : flooders) {
                SocketChannel channel = socket.getChannel();
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_WRITE, ByteBuffer.wrap(burst));
            }
            while (flooding.get() && System.nanoTime() < end && !selector.keys().isEmpty()) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    ByteBuffer pending = (ByteBuffer) key.attachment();
                    try {
                        ((SocketChannel) key.channel()).write(pending);
                    } catch (IOException closed) {
                        key.cancel();
                        continue;
                    }
                    if (!pending.hasRemaining()) {
                        pending.rewind();
                        framesWritten.addAndGet(1000);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Round-trip times of {@code rounds} text echoes, in nanoseconds. */
    private static long[] echoRounds(TestClient control, int rounds) throws IOException {
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            String text = "control " + i;
            long start = System.nanoTime();
            control.sendText(text);
            assertEquals(text, control.expectText());
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static long p99(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
    }
}
