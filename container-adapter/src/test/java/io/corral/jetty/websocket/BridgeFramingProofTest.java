package io.corral.jetty.websocket;

import io.corral.jetty.ConnectorKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.CorralEndPoint;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Proves which framing serves a WebSocket session, from inside the session: an endpoint follows its
 * Jakarta (or Jetty API) session down to Jetty's core session and reports the connection class that
 * reads and writes its frames. On CorralConnector that must be Corral's {@link CorralFramedConnection};
 * a Jetty upgrade that breaks the seam (the private field {@link JettySessionSeam} reads, or a new I/O
 * method on {@link WebSocketConnection} that Corral does not override) fails this build instead of
 * silently moving sessions to Jetty's framing or half onto Corral's.
 */
class BridgeFramingProofTest {

    /** Answers every message with the class of the connection under its core session, and its endpoint's. */
    @ServerEndpoint("/proof/jakarta")
    public static class JakartaReporter {
        @OnMessage
        public String report(Session session, String ignored) {
            WebSocketCoreSession core = (WebSocketCoreSession) ((JakartaWebSocketSession) session).getCoreSession();
            return describe(core);
        }
    }

    /** The same through Jetty's own WebSocket API, under a {@code JettyWebSocketServlet}. */
    @WebSocket
    public static class JettyApiReporter {
        @OnWebSocketMessage
        public void report(org.eclipse.jetty.websocket.api.Session session, String ignored) {
            WebSocketCoreSession core = (WebSocketCoreSession) ((WebSocketSession) session).getCoreSession();
            session.sendText(describe(core), org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }

    public static class JettyApiServlet extends JettyWebSocketServlet {
        @Override
        protected void configure(JettyWebSocketServletFactory factory) {
            factory.register(JettyApiReporter.class);
        }
    }

    /**
     * "connection class|endpoint class|seam": the last part says, for a connection of Jetty's own, whether
     * {@link JettySessionSeam#sessionOf} finds the very session Jetty wired to it ("-" under Corral's).
     */
    private static String describe(WebSocketCoreSession core) {
        WebSocketConnection connection = core.getConnection();
        String seam = connection instanceof CorralFramedConnection ? "-" : String.valueOf(JettySessionSeam.sessionOf(connection) == core);
        return connection.getClass().getName() + "|" + connection.getEndPoint().getClass().getName() + "|" + seam;
    }

    private static BridgeServer start(ConnectorKind kind) throws Exception {
        return BridgeServer.on(kind)
                .jakartaEndpoints(JakartaReporter.class)
                .jettyApiServlet("/proof/jetty-api", new JettyApiServlet())
                .start();
    }

    private static String[] report(BridgeServer server, String path) throws Exception {
        try (JdkWebSocket client = JdkWebSocket.connect(server.ws(path))) {
            client.sendText("which framing?");
            String[] report = client.nextText().split("\\|");
            client.sendClose(1000, "");
            client.nextClose();
            return report;
        }
    }

    @Test
    @DisplayName("the seam is available on this Jetty: no fallback reason, so Corral's framing serves sessions")
    void seamIsAvailableOnThisJetty() {
        assertNull(System.getProperty(JettySessionSeam.FRAMING_PROPERTY), "tests run without the fallback switch");
        assertNull(WebSocketFraming.fallbackReason(), "Corral's framing is unavailable on this Jetty");
        assertTrue(JettySessionSeam.isAvailable());
    }

    @Test
    @DisplayName("on CorralConnector a Jakarta session and a Jetty-API session are served by CorralFramedConnection")
    void corralConnectorServesSessionsOnCorralFraming() throws Exception {
        try (BridgeServer server = start(ConnectorKind.CORRAL)) {
            for (String path : new String[] {"/proof/jakarta", "/proof/jetty-api"}) {
                String[] report = report(server, path);
                assertEquals(CorralFramedConnection.class.getName(), report[0], path);
                assertEquals(CorralEndPoint.class.getName(), report[1], path);
            }
        }
    }

    @Test
    @DisplayName("on ServerConnector sessions run on Jetty's WebSocketConnection, and the seam finds the session Jetty wired to it")
    void seamReadsTheSessionJettyWiresToItsConnection() throws Exception {
        try (BridgeServer server = start(ConnectorKind.JETTY)) {
            String[] report = report(server, "/proof/jakarta");
            assertEquals(WebSocketConnection.class.getName(), report[0]);
            assertEquals("true", report[2], "JettySessionSeam.sessionOf(connection) is not the connection's session");
        }
    }

    @Test
    @DisplayName("-Dcorral.websocket.framing=jetty: Jetty's own WebSocketConnection serves the session on Corral's endpoint")
    void fallbackSwitchRunsJettyFramingOnCorralEndPoint() throws Throwable {
        withFramingProperty("jetty", () -> {
            assertEquals("-D" + JettySessionSeam.FRAMING_PROPERTY + "=jetty", WebSocketFraming.fallbackReason());
            try (BridgeServer server = start(ConnectorKind.CORRAL)) {
                for (String path : new String[] {"/proof/jakarta", "/proof/jetty-api"}) {
                    String[] report = report(server, path);
                    assertEquals(WebSocketConnection.class.getName(), report[0], path);
                    assertEquals(CorralEndPoint.class.getName(), report[1], path);
                }
            }
        });
        assertNull(WebSocketFraming.fallbackReason(), "the switch is read live, so clearing it turns Corral's framing back on");
    }

    /**
     * Every method a {@code WebSocketConnection} declares is either replaced by Corral's framing or
     * inherited on purpose. A Jetty release that adds one (say, a second way to enqueue frames or to
     * read) fails here, so that someone decides which side it belongs to.
     */
    @Test
    @DisplayName("every public or protected method of Jetty's WebSocketConnection is overridden or inherited on purpose")
    void everyMethodOfJettysConnectionIsAccountedFor() {
        Set<String> inheritedOnPurpose = Set.of(
                "getExecutor()", "getLocalAddress()", "getLocalSocketAddress()", "getRemoteAddress()",
                "getRemoteSocketAddress()", "isUseInputDirectByteBuffers()", "setUseInputDirectByteBuffers(boolean)",
                "isUseOutputDirectByteBuffers()", "setUseOutputDirectByteBuffers(boolean)",
                "setInputBufferSize(int)", "dump()", "dump(Appendable,String)",
                // Only Jetty's own parser calls these; it never runs under Corral's framing.
                "onFrame(Parsed)", "setInitialBuffer(ByteBuffer)");
        Set<String> declared = signatures(WebSocketConnection.class.getDeclaredMethods());
        Set<String> overridden = signatures(CorralFramedConnection.class.getDeclaredMethods());
        Set<String> unaccounted = new TreeSet<>(declared);
        unaccounted.removeAll(inheritedOnPurpose);
        unaccounted.removeAll(overridden);
        assertEquals(Set.of(), unaccounted, "WebSocketConnection methods Corral's framing neither overrides nor inherits on purpose");
        Set<String> vanished = new TreeSet<>(inheritedOnPurpose);
        vanished.removeAll(declared);
        assertEquals(Set.of(), vanished, "methods this test expects on WebSocketConnection are gone: re-check the seam");
    }

    private static Set<String> signatures(Method[] methods) {
        return Arrays.stream(methods)
                .filter(method -> !Modifier.isStatic(method.getModifiers()) && !method.isSynthetic())
                .filter(method -> Modifier.isPublic(method.getModifiers()) || Modifier.isProtected(method.getModifiers()))
                .map(method -> method.getName() + Arrays.stream(method.getParameterTypes())
                        .map(Class::getSimpleName).collect(Collectors.joining(",", "(", ")")))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void withFramingProperty(String value, Executable body) throws Throwable {
        String before = System.getProperty(JettySessionSeam.FRAMING_PROPERTY);
        System.setProperty(JettySessionSeam.FRAMING_PROPERTY, value);
        try {
            body.execute();
        } finally {
            if (before == null) {
                System.clearProperty(JettySessionSeam.FRAMING_PROPERTY);
            } else {
                System.setProperty(JettySessionSeam.FRAMING_PROPERTY, before);
            }
        }
    }
}
