package io.corral.jetty.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place Corral reaches inside Jetty's WebSocket layer. Jetty's handshaker builds a
 * {@link WebSocketCoreSession} and a {@link WebSocketConnection} wired to it; the session can be re-wired
 * to another connection through the public {@code setWebSocketConnection}, but the only way to find the
 * session from the connection the handshaker hands over is its private {@code coreSession} field. That
 * field is read here, checked once at class initialisation (name, type, final instance field), so a Jetty
 * upgrade that moves it turns Corral's framing off with one warning instead of failing sessions at
 * random. Where this seam is unavailable, WebSocket sessions still run — on Jetty's own framing over
 * Corral's endpoint.
 */
final class JettySessionSeam {

    private static final Logger LOG = LoggerFactory.getLogger(JettySessionSeam.class);

    /** Set to {@code jetty} to run every session on Jetty's own framing (for comparison and diagnosis). */
    static final String FRAMING_PROPERTY = "corral.websocket.framing";

    private static final VarHandle CORE_SESSION;
    private static final String UNAVAILABLE_REASON;

    static {
        VarHandle handle = null;
        String reason = null;
        try {
            Field field = WebSocketConnection.class.getDeclaredField("coreSession");
            if (field.getType() != WebSocketCoreSession.class || Modifier.isStatic(field.getModifiers())) {
                reason = "WebSocketConnection.coreSession is no longer an instance field of type WebSocketCoreSession";
            } else {
                field.setAccessible(true);
                handle = MethodHandles.privateLookupIn(WebSocketConnection.class, MethodHandles.lookup())
                        .unreflectVarHandle(field);
            }
        } catch (NoSuchFieldException e) {
            reason = "WebSocketConnection has no coreSession field in this Jetty version";
        } catch (ReflectiveOperationException | RuntimeException e) {
            reason = "cannot read WebSocketConnection.coreSession: " + e;
        }
        CORE_SESSION = handle;
        UNAVAILABLE_REASON = reason;
        if (reason != null) {
            LOG.warn("Corral WebSocket framing unavailable, falling back to Jetty's framing on Corral's endpoint: {}",
                    reason);
        } else if (forcedToJettyFraming()) {
            LOG.warn("Corral WebSocket framing turned off by -D{}=jetty: sessions use Jetty's framing on Corral's endpoint",
                    FRAMING_PROPERTY);
        }
    }

    private JettySessionSeam() {}

    /** Whether sessions can run on Corral's framing: the seam checked out and nobody turned it off. */
    static boolean isAvailable() {
        return UNAVAILABLE_REASON == null && !forcedToJettyFraming();
    }

    /** Why the seam is off, or null when it is available. */
    static String unavailableReason() {
        if (UNAVAILABLE_REASON != null) {
            return UNAVAILABLE_REASON;
        }
        return forcedToJettyFraming() ? "-D" + FRAMING_PROPERTY + "=jetty" : null;
    }

    private static boolean forcedToJettyFraming() {
        return "jetty".equalsIgnoreCase(System.getProperty(FRAMING_PROPERTY));
    }

    /**
     * The session wired to {@code connection}, or null when the field could not be reached at all (a Jetty that
     * moved it); also when Corral's framing is merely switched off.
     */
    static WebSocketCoreSession sessionOrNull(WebSocketConnection connection) {
        return CORE_SESSION == null ? null : (WebSocketCoreSession) CORE_SESSION.get(connection);
    }

    /** The session the handshaker wired to {@code connection}; only when {@link #isAvailable()}. */
    static WebSocketCoreSession sessionOf(WebSocketConnection connection) {
        return (WebSocketCoreSession) CORE_SESSION.get(connection);
    }
}
