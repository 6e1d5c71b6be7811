package io.corral.jetty.websocket;

import io.corral.jetty.ConnectorKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.security.Credential;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A WebSocket handshake is an ordinary request to Jetty's handler tree on CorralConnector as on
 * ServerConnector: a Handler in front of the context, a security constraint and servlet filters all see
 * it, may refuse it, and only what they let through is upgraded.
 */
class UpgradeThroughHandlerTreeTest {

    @ServerEndpoint("/guarded/echo")
    public static class GuardedEcho {
        @OnMessage
        public String echo(String text) {
            return "guarded:" + text;
        }
    }

    @ServerEndpoint("/secure/echo")
    public static class SecureEcho {
        @OnMessage
        public String echo(String text) {
            return "secure:" + text;
        }
    }

    /** Lets a request through only with {@code ?token=letmein}; 403 otherwise. */
    public static class TokenFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            if (!"letmein".equals(request.getParameter("token"))) {
                ((HttpServletResponse) response).sendError(403, "token required");
                return;
            }
            request.setAttribute("filtered", Boolean.TRUE);
            chain.doFilter(request, response);
        }
    }

    /** A Jetty handler in front of the whole context: stamps every response, 101 included. */
    static final class Stamp extends Handler.Wrapper {
        Stamp(Handler handler) {
            super(handler);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            response.getHeaders().put("X-Handler-Tree", "stamped " + request.getHttpURI().getPath());
            return super.handle(request, response, callback);
        }
    }

    private static BridgeServers servers;

    @BeforeAll
    static void start() throws Exception {
        servers = BridgeServers.start(builder -> builder
                .jakartaEndpoints(GuardedEcho.class, SecureEcho.class)
                .jettyApiServlet("/jetty-api/*", new JettyApiEchoServlet())
                .context(context -> {
                    context.setSecurityHandler(basicAuthOn("/secure/*"));
                    // Filters on the Jetty-API servlet run before it upgrades, like any servlet's filters.
                    context.addFilter(TokenFilter.class, "/jetty-api/*", EnumSet.of(DispatcherType.REQUEST));
                    // Jakarta's WebSocketUpgradeFilter puts itself first in the chain at start-up; a filter
                    // meant to guard Jakarta endpoints goes ahead of it once it is there.
                    context.addServletContainerInitializer((classes, servletContext) -> {
                        FilterHolder holder = new FilterHolder(new TokenFilter());
                        holder.setName("token-filter");
                        FilterMapping mapping = new FilterMapping();
                        mapping.setFilterName("token-filter");
                        mapping.setPathSpec("/guarded/*");
                        mapping.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
                        var handler = ServletContextHandler.getServletContextHandler(servletContext).getServletHandler();
                        handler.prependFilter(holder);
                        handler.prependFilterMapping(mapping);
                    });
                })
                .around(Stamp::new));
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    private static ConstraintSecurityHandler basicAuthOn(String pathSpec) {
        UserStore users = new UserStore();
        users.addUser("alice", Credential.getCredential("wonderland"), new String[] {"user"});
        HashLoginService login = new HashLoginService("corral");
        login.setUserStore(users);
        ConstraintMapping mapping = new ConstraintMapping();
        mapping.setPathSpec(pathSpec);
        mapping.setConstraint(Constraint.from("user"));
        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        security.setAuthenticator(new BasicAuthenticator());
        security.setLoginService(login);
        security.setConstraintMappings(List.of(mapping), Set.of("user"));
        return security;
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a servlet Filter in front of a Jakarta endpoint refuses a handshake without the token: 403, no upgrade")
    void filterRefusesTheUpgrade(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = servers.on(kind).connect()) {
            RawWebSocket.Response response = client.upgrade("/guarded/echo");
            assertEquals(403, response.status(), response.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("with the token the filter lets the handshake through, and the session works")
    void filterLetsTheUpgradeThrough(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = servers.on(kind).connect()) {
            client.open("/guarded/echo?token=letmein");
            client.sendText("in");
            assertEquals("guarded:in", client.expectText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a filter on a JettyWebSocketServlet refuses a handshake without the token (403) and passes one with it")
    void filterGuardsAJettyWebSocketServlet(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = servers.on(kind).connect()) {
            assertEquals(403, client.upgrade("/jetty-api/echo").status());
        }
        try (RawWebSocket client = servers.on(kind).connect()) {
            client.open("/jetty-api/echo?token=letmein");
            client.sendText("in");
            assertEquals("jetty-api:in", client.expectText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a security constraint (BASIC) applies to the handshake: 401 without or with wrong credentials, 101 with")
    void securityConstraintAppliesToTheUpgrade(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = servers.on(kind).connect()) {
            RawWebSocket.Response response = client.upgrade("/secure/echo");
            assertEquals(401, response.status(), response.toString());
            assertNotNull(response.header("WWW-Authenticate"), response.toString());
        }
        try (RawWebSocket client = servers.on(kind).connect()) {
            assertEquals(401, client.upgrade("/secure/echo", basic("alice", "guess")).status());
        }
        try (RawWebSocket client = servers.on(kind).connect()) {
            client.open("/secure/echo", basic("alice", "wonderland"));
            client.sendText("in");
            assertEquals("secure:in", client.expectText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("the 101 itself goes out through Jetty's handler tree: a Handler in front of the context stamps it")
    void switchingProtocolsResponseCarriesTheHandlersHeader(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = servers.on(kind).connect()) {
            RawWebSocket.Response response = client.open("/guarded/echo?token=letmein");
            assertEquals("stamped /guarded/echo", response.header("X-Handler-Tree"), response.toString());
        }
    }

    /**
     * On purpose different: Corral refuses a handshake that breaks an RFC 6455 MUST before any handler
     * runs, so a malformed key to a protected path gets 400 (the request is bad whoever sends it), where
     * Jetty, which does not check keys, asks for credentials first.
     */
    @Test
    @DisplayName("§4.2.1: a malformed handshake is refused (400) before the handler tree, even on a protected path")
    void malformedHandshakeIsRefusedBeforeAnyHandler() throws IOException {
        byte[] badKey = RawWebSocket.handshakeWith("/secure/echo", "not-a-key", "13");
        try (RawWebSocket client = servers.on(ConnectorKind.CORRAL).connect()) {
            RawWebSocket.Response response = client.send(badKey).readResponse();
            assertEquals(400, response.status(), response.toString());
            assertEquals(null, response.header("X-Handler-Tree"), "no handler saw the request");
        }
        try (RawWebSocket client = servers.on(ConnectorKind.JETTY).connect()) {
            assertEquals(401, client.send(badKey).readResponse().status());
        }
    }
}
