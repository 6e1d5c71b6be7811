package io.corral.jetty.websocket;

import io.corral.connector.listener.Hibernation;
import io.corral.connector.transport.TransportConnection;
import io.corral.jetty.CorralEndPoint;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
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

    /**
     * What a session closed for a flood of control frames drains at most before its socket closes: enough for a
     * client that reads to get the 1008, not seconds of reading its flood.
     */
    private static final long FLOODER_LINGER_BYTES = 64 * 1024;

    private WebSocketFraming() {}

    /** Whether {@code upgrade} is a Jetty WebSocket connection this class can serve. */
    public static boolean isWebSocket(Connection upgrade) {
        return upgrade instanceof WebSocketConnection;
    }

    /**
     * Puts the upgraded session on Corral's framing.
     *
     * @param hibernateAfter how long the connection waits for its next frame on its own thread before it
     *                       hibernates; zero hibernates as soon as a read would wait
     * @param maxQueuedFrames the most frames the session may queue for sending, unless it set its own bound
     * @param maxControlFramesPerSecond pings and pongs the client may send a second before the session closes
     *                       with 1008 ({@link io.corral.connector.websocket.ControlFrameRate}); 0 for no limit
     * @return the connection's first burst, to run on the connection's thread (it returns null when the
     *         connection is done, or its hibernation); null, having done nothing, when Corral's framing is
     *         unavailable (see {@link JettySessionSeam})
     */
    public static Hibernation.Resume onCorralFraming(Connection upgrade, AbstractEndPoint endPoint,
            TransportConnection transport, ByteBuffer leftover, Connector connector, Duration hibernateAfter,
            int maxQueuedFrames, int maxControlFramesPerSecond) {
        if (!(upgrade instanceof WebSocketConnection jettyConnection) || !JettySessionSeam.isAvailable()) {
            return null;
        }
        WebSocketCoreSession session = JettySessionSeam.sessionOf(jettyConnection);
        if (session.getMaxOutgoingFrames() <= 0) {
            // Async sends return at once, so what a peer that stopped reading costs must be bounded: the
            // frames wait in the session's own flusher, which Jetty bounds with this public setting.
            session.setMaxOutgoingFrames(maxQueuedFrames);
        }
        CorralFramedConnection corral = new CorralFramedConnection(endPoint, jettyConnection.getExecutor(),
                connector.getScheduler(), connector.getByteBufferPool(), session, transport, hibernateAfter,
                maxControlFramesPerSecond);
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
        }
        // When the connection ends: queued frames (the close frame above all) go out before the socket
        // closes, then what the client still sends is read and dropped for a bounded while.
        return () -> Hibernation.ensuring(corral::serve, () -> {
            corral.awaitWritesDone();
            if (endPoint instanceof CorralEndPoint lingering) {
                if (corral.flooded()) {
                    lingering.drainAfterLingeringClose(FLOODER_LINGER_BYTES);
                } else {
                    lingering.drainAfterLingeringClose();
                }
            }
        });
    }

    /**
     * Closes the session on {@code connection} (a Jetty WebSocket connection, on Corral's framing or Jetty's) with
     * 1001 "going away", as Jetty's container does to its sessions at a graceful stop: the session runs its close
     * handshake and the endpoint's {@code @OnClose}. Without the seam to reach a Jetty-framed session, the
     * connection is closed instead (the client sees 1006).
     */
    public static void goAway(Connection connection) {
        WebSocketCoreSession session = connection instanceof CorralFramedConnection corral ? corral.session()
                : connection instanceof WebSocketConnection jetty ? JettySessionSeam.sessionOrNull(jetty) : null;
        if (session == null) {
            connection.close();
        } else if (session.isOutputOpen()) {
            session.close(CloseStatus.SHUTDOWN, "server going away", Callback.NOOP);
        }
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
