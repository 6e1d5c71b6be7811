package io.corral.jetty.websocket;

import io.corral.connector.transport.TransportConnection;
import io.corral.jetty.CorralEndPoint;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;

/**
 * Chooses the framing under an upgraded WebSocket session and runs it on the connection's own thread.
 * Jetty's handshaker hands over its own {@link WebSocketConnection}; when the {@link JettySessionSeam}
 * is available, its session is re-wired to a {@link CorralFramedConnection} so that Corral parses and
 * writes every frame. Otherwise the caller runs Jetty's connection unchanged on Corral's endpoint.
 * Loaded only when an upgrade is a Jetty WebSocket connection, so the adapter works without Jetty's
 * WebSocket jars on the class path.
 */
public final class WebSocketFraming {

    private WebSocketFraming() {}

    /** Whether {@code upgrade} is a Jetty WebSocket connection this class can serve. */
    public static boolean isWebSocket(Connection upgrade) {
        return upgrade instanceof WebSocketConnection;
    }

    /**
     * Serves the upgraded session on Corral's framing until the connection ends.
     *
     * @return false, having done nothing, when Corral's framing is unavailable (see {@link JettySessionSeam})
     */
    public static boolean serveOnCorralFraming(Connection upgrade, AbstractEndPoint endPoint,
            TransportConnection transport, ByteBuffer leftover, Connector connector) {
        if (!(upgrade instanceof WebSocketConnection jettyConnection) || !JettySessionSeam.isAvailable()) {
            return false;
        }
        WebSocketCoreSession session = JettySessionSeam.sessionOf(jettyConnection);
        CorralFramedConnection corral = new CorralFramedConnection(endPoint, jettyConnection.getExecutor(),
                connector.getScheduler(), connector.getByteBufferPool(), session, transport);
        session.setWebSocketConnection(corral);
        connector.getEventListeners().forEach(corral::addEventListener);
        if (leftover != null && leftover.hasRemaining()) {
            corral.onUpgradeTo(leftover); // a first frame pipelined behind the handshake
        }
        endPoint.upgrade(corral);
        if (endPoint instanceof CorralEndPoint lingering) {
            // Once our close frame is out, closing waits for the client's last bytes instead of resetting
            // them (a client still sending an over-size message would never read our 1009).
            lingering.lingerOnCloseWhen(corral::closeFrameSent);
            corral.serve();
            lingering.drainAfterLingeringClose();
        } else {
            corral.serve();
        }
        return true;
    }

    /** Whether a connection is served on Corral's framing; for counters and tests. */
    public static boolean isCorralFramed(Connection connection) {
        return CorralFramedConnection.isCorralFramed(connection);
    }

    /** Why sessions run on Jetty's framing, or null when Corral's framing serves them. */
    public static String fallbackReason() {
        return JettySessionSeam.unavailableReason();
    }
}
