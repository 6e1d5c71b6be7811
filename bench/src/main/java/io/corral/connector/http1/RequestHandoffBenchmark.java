package io.corral.connector.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request price of Cowboy's isolation: a new virtual thread per request and the hand-off from
 * the connection thread to it and back (DESIGN §5). {@code engine*} drives a whole keep-alive connection
 * of pipelined requests through the engine with no socket (parse, dispatch, respond); {@code handoffOnly}
 * is the bare start-and-wait of one virtual thread, the floor the engine's hand-off is compared with.
 * {@code -jvmArgs -Djdk.trackAllThreads=false} shows what the JDK's thread tracking costs (DESIGN §5).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestHandoffBenchmark {

    private static final int REQUESTS = 100;
    private static final byte[] PIPELINE = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"
            .repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private final Http1Protocol protocol = new Http1Protocol(Http1Config.DEFAULTS, exchange -> {
        exchange.response().headers().add("Content-Type", "text/plain");
        exchange.response().write(ByteBuffer.wrap(HELLO), true);
    });

    /**
     * A keep-alive connection of {@value #REQUESTS} pipelined requests, served on a virtual thread as the
     * listener does: each request's thread is started from, and hands back to, a virtual thread, so the
     * cost measured is the one the server pays (one carrier, no platform-thread wake-up per request).
     */
    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public long enginePlaintextPerRequest() throws Exception {
        InMemoryConnection connection = new InMemoryConnection(PIPELINE);
        onVirtualThread(() -> {
            try {
                protocol.serve(connection);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return connection.bytesWritten;
    }

    private volatile boolean done;

    /** The floor: start a virtual thread from a virtual thread and park until it signals back, ×100. */
    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public boolean handoffOnly() throws Exception {
        onVirtualThread(() -> {
            for (int i = 0; i < REQUESTS; i++) {
                Thread waiter = Thread.currentThread();
                done = false;
                Thread.ofVirtual().start(() -> {
                    done = true;
                    LockSupport.unpark(waiter);
                });
                while (!done) {
                    LockSupport.park(this);
                }
            }
        });
        return done;
    }

    private static void onVirtualThread(Runnable batch) throws InterruptedException {
        Thread.ofVirtual().start(batch).join();
    }
}
