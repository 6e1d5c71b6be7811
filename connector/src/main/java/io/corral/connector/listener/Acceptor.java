package io.corral.connector.listener;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one acceptor thread: Ranch's {@code ranch_acceptor}. Wait for a slot, accept, start one
 * virtual thread running the {@link ConnectionProcess}, repeat. It ends when the listening socket is closed
 * or its thread is interrupted (stop, suspend). Other accept errors, such as running out of file
 * descriptors, are retried after a growing pause, so one bad moment never leaves a listener without acceptors.
 *
 * <p>On a socket shared through SO_REUSEPORT with another listener (a restart on the same box), the acceptor can
 * also <em>hand over</em>: its accepts wait at most a poll interval (SO_TIMEOUT of the socket adaptor), and once
 * the listener asks for a hand-over the acceptor takes every connection still queued and ends at the first poll
 * that finds the queue empty, so that the socket closes with nobody in it (see {@link Listener}).
 */
final class Acceptor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);
    private static final long FIRST_PAUSE_MILLIS = 10;
    private static final long MAX_PAUSE_MILLIS = 1_000;

    private final String listenerName;
    private final ServerSocketChannel server;
    private final ConnectionSupervisor supervisor;
    private final ConnectionProcess process;
    private final ThreadFactory connectionThreads;
    /** Null: accepts block until a client comes. Else: accepts poll, and this says when to hand over. */
    private final BooleanSupplier handingOver;
    private final AcceptPacing pacing;

    Acceptor(String listenerName, ServerSocketChannel server, ConnectionSupervisor supervisor, ConnectionProcess process,
             ThreadFactory connectionThreads, BooleanSupplier handingOver) {
        this.listenerName = listenerName;
        this.server = server;
        this.supervisor = supervisor;
        this.process = process;
        this.connectionThreads = connectionThreads;
        this.handingOver = handingOver;
        this.pacing = new AcceptPacing(connectionThreads);
    }

    @Override
    public void run() {
        long pauseMillis = 0;
        try {
            while (server.isOpen()) {
                // This call will not return until we are below the maximum number of connections:
                // past the limit clients wait in the kernel's backlog, never accepted-then-closed.
                if (!supervisor.reserveSlot()) {
                    return;
                }
                SocketChannel socket;
                try {
                    socket = handingOver == null ? server.accept() : poll();
                    if (socket == null) {
                        supervisor.cancelReservation(false);
                        if (handingOver.getAsBoolean()) {
                            return; // handing over, and the queue is empty: the socket may close now
                        }
                        continue;
                    }
                } catch (ClosedByInterruptException stopping) {
                    // An interrupt closes the channel: the listener is stopping or suspending.
                    supervisor.cancelReservation(false);
                    return;
                } catch (IOException e) {
                    boolean closed = !server.isOpen();
                    supervisor.cancelReservation(!closed);
                    if (!closed) {
                        pauseMillis = Math.clamp(2 * pauseMillis, FIRST_PAUSE_MILLIS, MAX_PAUSE_MILLIS);
                        pauseAfter(e, pauseMillis);
                    }
                    continue;
                }
                pauseMillis = 0;
                start(socket);
            }
        } catch (InterruptedException stopping) {
            // the listener is stopping or suspending
        }
    }

    /** An accept that waits at most the socket's SO_TIMEOUT; null when none came meanwhile. */
    private SocketChannel poll() throws IOException {
        try {
            Socket accepted = server.socket().accept();
            return accepted.getChannel();
        } catch (SocketTimeoutException empty) {
            return null;
        }
    }

    // One warning per burst (EMFILE tends to come in bursts); the count is in the stats.
    private void pauseAfter(IOException e, long pauseMillis) throws InterruptedException {
        if (pauseMillis == FIRST_PAUSE_MILLIS) {
            LOG.warn("{}: accept failed, retrying with pauses up to {} ms: {}", listenerName, MAX_PAUSE_MILLIS, e.toString());
        } else {
            LOG.debug("{}: accept failed again, pausing {} ms: {}", listenerName, pauseMillis, e.toString());
        }
        Thread.sleep(pauseMillis);
    }

    private void start(SocketChannel socket) throws InterruptedException {
        SupervisedConnection connection = new SupervisedConnection(socket, connectionThreads, process::run);
        boolean admitted = false;
        try {
            admitted = supervisor.admit(connection);
        } finally {
            if (!admitted) {
                connection.close(); // the listener is stopping: this client would have been reset anyway
            }
        }
        if (admitted) {
            startThread(connection);
            pacing.started();
        }
    }

    private void startThread(SupervisedConnection connection) {
        try {
            connection.start();
        } catch (RuntimeException | Error e) {
            // Out of memory for one more thread: this client is lost, the slot and the acceptor are not.
            connection.close();
            supervisor.release(connection, true);
            LOG.warn("{}: could not start a thread for {}: {}", listenerName, connection.remoteAddress(), e.toString());
        }
    }
}
