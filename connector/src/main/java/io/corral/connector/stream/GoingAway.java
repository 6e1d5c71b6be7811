package io.corral.connector.stream;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a draining HTTP engine reaches the connections it handed over to another protocol: a WebSocket has no
 * next response to say {@code Connection: close} on, so once the drain's grace is over each one is told to go
 * away (a WebSocket sends close 1001, RFC 6455 §7.4.1) and ends its own close handshake. A connection registers
 * when it takes over and unregisters when it ends; one that registers after the notice went out is told at
 * once. A restart of the protocol ({@code Http1Protocol.start()}) withdraws a notice still waiting for its grace.
 *
 * <p>A connection that can shut down gracefully by itself — HTTP/2 taken over by {@code Upgrade: h2c}, whose
 * GOAWAY lets its streams finish — registers {@link #onDrain} instead and hears as soon as the drain begins.
 */
public final class GoingAway {

    /** What a notice does for one connection, and how it stops being told. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        /** No longer told: the connection has ended. */
        @Override
        void close();
    }

    /**
     * How long registered connections carry on after a drain begins before they are told to go away, by default:
     * long enough for a message in flight to arrive, short enough for a rolling restart.
     */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(1);

    /** For exchanges outside a draining engine: never tells anyone. */
    public static final GoingAway NEVER = new GoingAway();

    private static final Logger LOG = LoggerFactory.getLogger(GoingAway.class);
    private static final Registration NOTHING = () -> { };

    private final Set<Runnable> registered = ConcurrentHashMap.newKeySet();
    private final Set<Runnable> drainListeners = ConcurrentHashMap.newKeySet();
    /** A drain began and was not withdrawn: what registers {@link #onDrain} now is told at once. */
    private volatile boolean draining;
    /** Which drain a pending notice belongs to: a restart moves it on, so an old timer fires for nobody. */
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean told;
    private volatile Duration grace = DEFAULT_GRACE;

    /**
     * Registers what a connection does when told to go away; run at once if a notice is already out.
     *
     * @return closes the registration when the connection ends
     */
    public Registration register(Runnable goAway) {
        if (this == NEVER) {
            return NOTHING;
        }
        registered.add(goAway);
        // Added before reading the flag; tell() sets it before reading the set: one of the two sees the other.
        if (told) {
            runQuietly(goAway);
        }
        return () -> registered.remove(goAway);
    }

    /**
     * Registers what a connection does as soon as a drain begins, without the grace: for connections that shut
     * down gracefully on their own. Run at once if a drain has begun.
     *
     * @return closes the registration when the connection ends
     */
    public Registration onDrain(Runnable drain) {
        if (this == NEVER) {
            return NOTHING;
        }
        drainListeners.add(drain);
        // Added before reading the flag; tellAfter() sets it before reading the set: one of the two sees the other.
        if (draining) {
            runQuietly(drain);
        }
        return () -> drainListeners.remove(drain);
    }

    /** How long registered connections carry on after a drain begins before they are told to go away. */
    public Duration grace() {
        return grace;
    }

    /** Changes the grace ({@link #DEFAULT_GRACE} by default; zero: at once). Live: the next drain uses it. */
    public void setGrace(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("a drain's grace must not be negative: " + value);
        }
        grace = value;
    }

    /** A drain begins: {@link #tellAfter} the {@link #grace()}. */
    public void tellAfterGrace() {
        tellAfter(grace);
    }

    /**
     * A drain begins: tells the {@link #onDrain} registrations now, and every {@link #register registered}
     * connection to go away once {@code grace} has passed (zero: now), without waiting.
     */
    public void tellAfter(Duration grace) {
        draining = true;
        for (Runnable drain : drainListeners) {
            runQuietly(drain);
        }
        long drain = generation.incrementAndGet();
        if (grace.isZero()) {
            tell(drain);
            return;
        }
        // One short-lived virtual thread per drain: drains are rare, and a sleeping virtual thread holds nothing.
        Thread.ofVirtual().name("corral-going-away").start(() -> {
            try {
                Thread.sleep(grace);
                tell(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Withdraws the notice: connections that register from now on carry on, a pending notice is dropped. */
    public void withdraw() {
        draining = false;
        generation.incrementAndGet();
        told = false;
    }

    private void tell(long drain) {
        if (generation.get() != drain) {
            return; // withdrawn by a restart meanwhile
        }
        told = true;
        for (Runnable goAway : registered) {
            runQuietly(goAway);
        }
    }

    private static void runQuietly(Runnable goAway) {
        try {
            goAway.run();
        } catch (RuntimeException e) {
            // One connection failing to leave politely must not keep the others from hearing.
            LOG.debug("a connection failed to go away: {}", e.toString());
        }
    }
}
