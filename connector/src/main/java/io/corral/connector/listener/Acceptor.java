package io.corral.connector.listener;

import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one acceptor thread: Ranch's {@code ranch_acceptor}. Wait for a slot, accept, start one
 * virtual thread that wraps the socket and runs the protocol, repeat. It ends when the listening socket is
 * closed or its thread is interrupted (stop, suspend). Other accept errors, such as running out of file
 * descriptors, are retried after a growing pause, so one bad moment never leaves a listener without acceptors.
 */
final class Acceptor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);
    private static final long FIRST_PAUSE_MILLIS = 10;
    private static final long MAX_PAUSE_MILLIS = 1_000;

    private final String listenerName;
    private final ServerSocket server;
    private final ConnectionSupervisor supervisor;
    private final Transport transport;
    private final Protocol protocol;
    private final ThreadFactory connectionThreads;

    Acceptor(String listenerName, ServerSocket server, ConnectionSupervisor supervisor, Transport transport,
             Protocol protocol, ThreadFactory connectionThreads) {
        this.listenerName = listenerName;
        this.server = server;
        this.supervisor = supervisor;
        this.transport = transport;
        this.protocol = protocol;
        this.connectionThreads = connectionThreads;
    }

    @Override
    public void run() {
        long pauseMillis = 0;
        while (!server.isClosed()) {
            try {
                // This call will not return until we are below the maximum number of connections:
                // past the limit clients wait in the kernel's backlog, never accepted-then-closed.
                if (!supervisor.reserveSlot()) {
                    return;
                }
            } catch (InterruptedException stopping) {
                return;
            }
            Socket socket;
            try {
                socket = server.accept();
                pauseMillis = 0;
            } catch (IOException e) {
                boolean closed = server.isClosed();
                supervisor.cancelReservation(!closed);
                if (closed) {
                    return;
                }
                pauseMillis = pauseMillis == 0 ? FIRST_PAUSE_MILLIS : Math.min(2 * pauseMillis, MAX_PAUSE_MILLIS);
                if (pauseMillis == FIRST_PAUSE_MILLIS) {
                    LOG.warn("{}: accept failed, retrying with pauses up to {} ms: {}", listenerName, MAX_PAUSE_MILLIS, e.toString());
                } else {
                    LOG.debug("{}: accept failed again, pausing {} ms: {}", listenerName, pauseMillis, e.toString());
                }
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException stopping) {
                    return;
                }
                continue;
            }
            start(socket);
        }
    }

    private void start(Socket socket) {
        SupervisedConnection connection = new SupervisedConnection(socket, connectionThreads, this::serve);
        boolean admitted;
        try {
            admitted = supervisor.admit(connection);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt(); // the loop sees it at its next wait and ends
            admitted = false;
        }
        if (!admitted) {
            connection.close(); // the listener is stopping: this client would have been reset anyway
            return;
        }
        try {
            connection.thread().start();
        } catch (RuntimeException | Error e) {
            // Out of memory for one more thread: this client is lost, the slot and the acceptor are not.
            connection.close();
            supervisor.release(connection, true);
            LOG.warn("{}: could not start a thread for {}: {}", listenerName, connection.remoteAddress(), e.toString());
        }
    }

    /** The body of a connection's virtual thread: whatever happens here ends this connection only. */
    private void serve(SupervisedConnection connection) {
        boolean failed = false;
        try {
            TransportConnection wrapped = transport.wrap(connection.socket());
            connection.attach(wrapped);
            protocol.serve(wrapped);
        } catch (Exception e) {
            failed = true;
            LOG.debug("{}: connection from {} failed: {}", listenerName, connection.remoteAddress(), e.toString());
        } catch (Error e) {
            // Not a misbehaving client but a bug or an exhausted resource: worth an operator's attention.
            failed = true;
            LOG.warn("{}: connection from {} died: {}", listenerName, connection.remoteAddress(), e.toString());
        } finally {
            try {
                connection.close();
            } finally {
                supervisor.release(connection, failed);
            }
        }
    }
}
