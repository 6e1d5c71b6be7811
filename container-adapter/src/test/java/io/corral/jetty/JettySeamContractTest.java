package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * Guards the Jetty seams Corral plugs into. {@code HttpStream} is public but not frozen (it changed in
 * 12.1.0): these tests pin its shape, so that a Jetty upgrade that adds or changes a method fails here,
 * loudly, instead of silently falling back to a default Corral never meant to use. They also check what a
 * servlet can reach through the seams: a real, open {@link EndPoint} and an {@code HTTP/1.1} protocol.
 */
class JettySeamContractTest {

    @Test
    void jettyVersionIsThePinnedOne() {
        assertTrue(Server.getVersion().startsWith("12.1."), "Corral is built and tested on Jetty 12.1, found "
                + Server.getVersion() + ": re-check HttpStream, HttpChannel and ConnectionMetaData");
    }

    @Test
    void httpStreamHasTheMethodsCorralImplements() {
        List<String> methods = Arrays.stream(HttpStream.class.getDeclaredMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .map(JettySeamContractTest::signature)
                .sorted()
                .toList();
        assertEquals(List.of(
                "cancelSend(Throwable,Callback)",
                "consumeAvailable()",
                "demand()",
                "getId()",
                "getIdleTimeout()",
                "getInvocationType()",
                "getTunnelSupport()",
                "isCommitted()",
                "prepareResponse(Mutable)",
                "push(Request)",
                "read()",
                "send(Request,Response,boolean,ByteBuffer,Callback)",
                "setIdleTimeout(long)"), methods);
    }

    @Test
    void everyAbstractMethodOfTheSeamsIsImplementedByCorral() throws Exception {
        for (Method method : HttpStream.class.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Method implementation = CorralHttpStream.class.getMethod(method.getName(), method.getParameterTypes());
            assertFalse(Modifier.isAbstract(implementation.getModifiers()), signature(method));
        }
        for (Method method : ConnectionMetaData.class.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Method implementation = CorralHttpConnection.class.getMethod(method.getName(), method.getParameterTypes());
            assertFalse(Modifier.isAbstract(implementation.getModifiers()), signature(method));
        }
    }

    /** Reports, from inside a servlet, what the connection seams look like. */
    static final class SeamServlet extends HttpServlet {
        final CompletableFuture<String> seen = new CompletableFuture<>();

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            ConnectionMetaData metaData = ServletContextRequest.getServletContextRequest(request).getConnectionMetaData();
            EndPoint endPoint = metaData.getConnection().getEndPoint();
            seen.complete(String.join(",",
                    endPoint.getClass().getSimpleName(),
                    Boolean.toString(endPoint.isOpen()),
                    Boolean.toString(endPoint.getLocalSocketAddress() instanceof InetSocketAddress local
                            && local.getPort() == request.getLocalPort()),
                    Boolean.toString(endPoint.getRemoteSocketAddress() instanceof InetSocketAddress remote
                            && remote.getPort() == request.getRemotePort()),
                    Long.toString(endPoint.getIdleTimeout()),
                    metaData.getProtocol(),
                    Boolean.toString(metaData.isPersistent()),
                    Boolean.toString(metaData.getConnection() == endPoint.getConnection()),
                    Boolean.toString(metaData.getConnector() != null)));
            response.getWriter().print("ok");
        }
    }

    @Test
    void servletReachesARealEndPointAndHttp11() throws Exception {
        SeamServlet servlet = new SeamServlet();
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).servlet("/seam", servlet).start();
             RawConnection client = server.connect()) {
            client.send("GET /seam HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("ok", client.read().text());
            assertEquals("CorralEndPoint,true,true,true,30000,HTTP/1.1,true,true,true", servlet.seen.get(5, TimeUnit.SECONDS));
            assertTrue(server.connector() instanceof CorralConnector);
        }
    }

    private static String signature(Method method) {
        return method.getName() + "(" + String.join(",", Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName).toList()) + ")";
    }
}
