package io.corral.connector.listener;

import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each connection's virtual thread runs, Cowboy's connection process: wrap the socket in the
 * transport, run the protocol, and then — however that ended — close the connection and give its slot
 * back. A protocol that hibernates ends this thread without ending the connection: the transport parks it,
 * and the next step runs here again, on a new thread, when it wakes. Whatever happens in here ends this
 * one connection and nothing else. Shared by a listener's acceptors; holds no per-connection state.
 */
final class ConnectionProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionProcess.class);

    private final String listenerName;
    private final Transport transport;
    private final SocketOptions socketOptions;
    private final Protocol protocol;
    private final ConnectionSupervisor supervisor;
    private final SourceCap sourceCap;

    ConnectionProcess(String listenerName, Transport transport, SocketOptions socketOptions, Protocol protocol,
                      ConnectionSupervisor supervisor, SourceCap sourceCap) {
        this.listenerName = listenerName;
        this.transport = transport;
        this.socketOptions = socketOptions;
        this.protocol = protocol;
        this.supervisor = supervisor;
        this.sourceCap = sourceCap;
    }

    void run(SupervisedConnection connection) {
        step(connection, () -> {
            // On the connection's thread, not the acceptor's: three setsockopt calls per connection add up.
            socketOptions.applyToAccepted(connection.channel());
            TransportConnection wrapped = transport.wrap(connection.channel());
            connection.attach(wrapped);
            // The address is the wrapped connection's: behind a PROXY header, the original client's.
            if (!sourceCap.admit(connection, wrapped.remoteAddress())) {
                return null; // over its address's cap: the newest connection is the one to go
            }
            return protocol.serve(wrapped);
        });
    }

    /** One burst of the connection's life, on the current thread: until it ends or hibernates. */
    private void step(SupervisedConnection connection, Hibernation.Resume step) {
        connection.runsOn(Thread.currentThread());
        boolean ended = true;
        boolean failed = false;
        try {
            Hibernation hibernation = step.resume();
            if (hibernation != null) {
                TransportConnection wrapped = connection.connection();
                connection.runsOn(null);
                wrapped.hibernate(hibernation.wakeAtNanos(), () -> step(connection, hibernation.resume()));
                // From here the connection may already be awake on another thread: leave it alone.
                ended = false;
            }
        } catch (Exception e) {
            failed = true;
            // Clients vanishing mid-request is routine, so this path is common: build nothing unless asked to.
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: connection from {} failed: {}", listenerName, connection.remoteAddress(), e.toString());
            }
        } catch (Error e) {
            // Not a misbehaving client but a bug or an exhausted resource: worth an operator's attention.
            failed = true;
            LOG.warn("{}: connection from {} died: {}", listenerName, connection.remoteAddress(), e.toString());
        } finally {
            if (ended) {
                try {
                    connection.close();
                    sourceCap.release(connection);
                } finally {
                    // thread() stays this thread: a stopping listener joins it, the connection's last.
                    supervisor.release(connection, failed);
                }
            }
        }
    }
}
