package io.corral.connector.websocket;

import java.util.concurrent.locks.LockSupport;

/**
 * Bounds the work one connection's thread does in a row: after {@value #FRAMES} frames or {@value #BYTES} bytes of
 * payload handled without a pause, it steps aside so that other connections' threads waiting for a carrier run
 * first. Virtual threads are not time-sliced, and a read the socket can answer at once never parks: a client that
 * keeps its socket full of tiny frames (pings, 1-byte fragments) would otherwise keep a carrier for as long as it
 * goes on, and a few hundred of them every carrier, stalling every other client for seconds.
 *
 * <p>Stepping aside is a park of a microsecond, not {@link Thread#yield()}: a yielding virtual thread goes back to
 * its carrier's own queue, which the carrier drains before it looks at threads woken from elsewhere (the I/O
 * pollers, a hibernating connection's wake-up), so a few hundred yielding flooders still kept every other client
 * waiting (measured: the control client of {@code FrameFloodFairnessTest} timed out). A timed park comes back
 * through the scheduler's shared queue, behind the threads woken before it.
 *
 * <p>Every connection steps aside once per {@value #FRAMES} frames, also one that waits for its peer between
 * messages anyway: a park of a microsecond per 64 messages costs nothing measurable, while telling a flood from a
 * quick conversation by the clock failed on a loaded machine (a turn of 64 pongs written took over a millisecond
 * and so never counted as a flood). Owned by the connection's reading thread; not thread-safe.
 */
public final class FairTurn {

    /** Frames one turn may handle before it steps aside. */
    public static final int FRAMES = 64;
    /** Payload bytes one turn may handle before it steps aside. */
    public static final int BYTES = 64 * 1024;
    private static final long STEP_ASIDE_NANOS = 1_000;

    private int frames;
    private int bytes;

    /** Counts a frame (or a piece of one) with {@code payloadBytes} of payload; steps aside once the turn is used up. */
    public void afterFrame(int payloadBytes) {
        bytes += payloadBytes;
        if (++frames >= FRAMES || bytes >= BYTES) {
            frames = 0;
            bytes = 0;
            LockSupport.parkNanos(STEP_ASIDE_NANOS);
        }
    }
}
