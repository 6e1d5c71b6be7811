package io.corral.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A hibernating connection whose wake cannot start its thread (the process is out of memory for one more) must not
 * be dropped: its protocol is what ends it — gives its slot back to the listener, tells the Jetty adapter — so a
 * wake lost there is a connection that never ends (issue 18: nothing may outlive its client). The {@link Hibernator}
 * closes it and tries the wake again until a thread starts.
 */
class HibernatorWakeRetryTest {

    /** A parked channel whose wake fails {@code failures} times before it carries on. */
    private static final class FailingWake extends ParkedPipe {
        private final int failures;
        final AtomicInteger attempts = new AtomicInteger();
        final CountDownLatch carriedOn = new CountDownLatch(1);

        FailingWake(Pipe.SourceChannel channel, int failures) {
            super(channel);
            this.failures = failures;
        }

        @Override
        public long wakeAtNanos() {
            return Long.MAX_VALUE;
        }

        @Override
        public void wake() {
            if (attempts.incrementAndGet() <= failures) {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory (a test's)");
            }
            carriedOn.countDown(); // where a real connection's new thread would carry on and meet the close
        }
    }

    @Test
    @DisplayName("a wake that cannot start its thread is tried again until one starts; the connection is closed meanwhile")
    void aFailedWakeIsTriedAgain() throws IOException, InterruptedException {
        Hibernator hibernator = new Hibernator("wake-retry-test-hibernator");
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel peer = pipe.sink()) {
            pipe.source().configureBlocking(false);
            FailingWake connection = new FailingWake(pipe.source(), 2);
            hibernator.park(connection);
            peer.write(ByteBuffer.wrap(new byte[] {1})); // what would wake it: a request's first byte, or a FIN

            assertTrue(connection.carriedOn.await(30, TimeUnit.SECONDS),
                    "the connection carried on after its failed wakes; attempts: " + connection.attempts.get());
            assertEquals(3, connection.attempts.get(), "two failures, then the wake that started");
            assertFalse(pipe.source().isOpen(), "closed at the first failure: that client is lost, not its end");
        } finally {
            pipe.source().close();
        }
    }
}
