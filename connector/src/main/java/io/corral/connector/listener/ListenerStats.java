package io.corral.connector.listener;

/**
 * A consistent snapshot of one listener's counters, what Ranch's {@code ranch:info/1} reports: taken in one
 * step, so {@code active == totalAccepted - totalClosed} always holds within a snapshot. Counters run from
 * the listener's creation, across suspends and restarts.
 *
 * @param name the listener's configured name
 * @param state where the listener is in its life
 * @param active connections alive right now
 * @param peak the most connections ever alive at once
 * @param totalAccepted connections ever accepted and handed to the protocol
 * @param totalClosed connections that have ended, for whatever reason
 * @param failed connections whose transport or protocol ended with an exception (included in
 *     {@code totalClosed}); a peer resetting the connection counts here too, a connection closed to make room
 *     ({@code evictedIdle}) does not
 * @param maxConnections the current limit
 * @param waitingAcceptors acceptors waiting for the count to drop below the limit; when this is non-zero,
 *     new clients queue in the kernel's backlog
 * @param acceptErrors failed {@code accept()} calls, such as running out of file descriptors
 * @param evictedIdle connections closed, while they waited for a request to begin, to admit a new client at
 *     the limit (included in {@code totalClosed} once each has ended, never in {@code failed}: closing them was
 *     the listener's choice, not their failure)
 * @param overSourceCap connections closed at once because their client address already held
 *     {@link ListenerConfig#maxConnectionsPerSource()} (included in {@code totalClosed})
 */
public record ListenerStats(
        String name,
        Listener.State state,
        int active,
        int peak,
        long totalAccepted,
        long totalClosed,
        long failed,
        int maxConnections,
        int waitingAcceptors,
        long acceptErrors,
        long evictedIdle,
        long overSourceCap) {
}
