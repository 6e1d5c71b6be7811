package io.corral.connector.listener;

/**
 * What a protocol returns when its connection has nothing to read: Erlang's {@code hibernate(Module, Function,
 * Args)}. The connection's thread ends, and with it the stack; the transport parks the socket, and once bytes
 * arrive, the deadline passes or the connection is closed, {@link #resume} runs on a new virtual thread from
 * the state the protocol kept in its objects. Returning null instead means the connection is done.
 *
 * @param wakeAtNanos when to resume even if nothing arrives ({@link System#nanoTime()}), so that the protocol
 *                    can enforce its timeouts; {@link #NEVER} for no deadline
 * @param resume      where the connection carries on
 */
public record Hibernation(long wakeAtNanos, Resume resume) {

    public static final long NEVER = Long.MAX_VALUE;

    /** Where a hibernated connection carries on, on a new thread; returns its next hibernation, or null when done. */
    @FunctionalInterface
    public interface Resume {
        Hibernation resume() throws Exception;
    }

    /**
     * Runs {@code step} and makes sure {@code onEnd} runs once when the connection ends — now, when {@code step}
     * returns null or throws, or after any number of hibernations — never while it merely hibernates. What a
     * {@code try/finally} around a blocking loop was before connections could hibernate.
     */
    public static Hibernation ensuring(Resume step, Runnable onEnd) throws Exception {
        Hibernation next;
        try {
            next = step.resume();
        } catch (Throwable failure) {
            onEnd.run();
            throw failure;
        }
        if (next == null) {
            onEnd.run();
            return null;
        }
        return new Hibernation(next.wakeAtNanos, () -> ensuring(next.resume, onEnd));
    }
}
