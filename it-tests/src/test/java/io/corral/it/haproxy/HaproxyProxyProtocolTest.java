package io.corral.it.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.proxy.ProxyHeaderException.Failure;
import io.corral.jetty.CorralConnector;
import io.corral.jetty.demo.AnnotatedWar;
import io.corral.jetty.demo.ConnectorKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The war-sample behind Debian's HAProxy, relaying with {@code send-proxy} (PROXY v1) and {@code send-proxy-v2}, on
 * each connector configured alike (Jetty's {@link ProxyConnectionFactory} first): {@code GET /whoami} shows the
 * client's own address and port — a client on 127.0.0.2, HAProxy on 127.0.0.1 — and the HAProxy frontend it
 * reached; HAProxy's health checks, sent with a LOCAL header ({@code check-send-proxy}), find the server up. HAProxy
 * is installed by {@code src/test/sh/install-haproxy.sh} (apt-get) when missing; the test is skipped, saying why,
 * only when it cannot be.
 */
class HaproxyProxyProtocolTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** Another loopback address than HAProxy's own: what the servlet sees must be the client's, not the proxy's. */
    private static final String CLIENT_ADDRESS = "127.0.0.2";

    @TempDir
    static Path scratch;

    @BeforeAll
    static void installHaproxy() throws Exception {
        Haproxy.assumeInstalled(scratch);
    }

    private static Server serve(ConnectorKind kind) throws Exception {
        Server server = new Server();
        AbstractNetworkConnector connector = kind.newConnector(server, "127.0.0.1", 0);
        connector.addFirstConnectionFactory(new ProxyConnectionFactory());
        server.addConnector(connector);
        server.setHandler(AnnotatedWar.context(Path.of(System.getProperty("war.sample.file")), "/"));
        server.start();
        return server;
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("send-proxy and send-proxy-v2: /whoami answers the client's address and port, not HAProxy's")
    void whoamiShowsTheClientThroughHaproxy(ConnectorKind kind) throws Exception {
        Server server = serve(kind);
        AbstractNetworkConnector connector = (AbstractNetworkConnector) server.getConnectors()[0];
        try (Haproxy haproxy = Haproxy.fromResource("haproxy/proxy-protocol.cfg")
                .set("BACKEND", "127.0.0.1:" + connector.getLocalPort())
                .port("FRONT_V1").port("FRONT_V2")
                .start(scratch)) {
            for (String front : new String[] {"FRONT_V1", "FRONT_V2"}) {
                int frontPort = haproxy.port(front);
                try (Socket client = new Socket()) {
                    client.bind(new InetSocketAddress(CLIENT_ADDRESS, 0));
                    client.connect(new InetSocketAddress("127.0.0.1", frontPort), (int) DEADLINE.toMillis());
                    client.setSoTimeout((int) DEADLINE.toMillis());
                    String json = whoami(client, () -> front + " on " + kind + ": " + diagnosis(haproxy, connector));
                    assertEquals("{\"remoteAddr\":\"" + CLIENT_ADDRESS + "\",\"remotePort\":" + client.getLocalPort()
                            + ",\"localAddr\":\"127.0.0.1\",\"localPort\":" + frontPort
                            + ",\"scheme\":\"http\",\"secure\":false}", json,
                            kind + " behind " + front + "; HAProxy said: " + haproxy.log());
                }
            }
            assertEquals("through haproxy", echoOverWebSocket(haproxy.port("FRONT_V2")), kind + ": /ws/echo behind send-proxy-v2");
            awaitHealthCheckUp(haproxy);
            if (connector instanceof CorralConnector corral) {
                assertTrue(corral.getProxyHeaders() >= 2, "headers read: " + corral.getProxyHeaders());
                assertEquals(0, corral.getProxyHeaderFailures(Failure.MISSING) + corral.getProxyHeaderFailures(Failure.MALFORMED)
                        + corral.getProxyHeaderFailures(Failure.TOO_LARGE), corral.getProxyHeaderFailuresByKind());
            }
        } finally {
            server.stop();
        }
    }

    /** One text message to the war-sample's {@code /ws/echo} through HAProxy, with the JDK's client; the echo. */
    private static String echoOverWebSocket(int port) throws Exception {
        java.util.concurrent.CompletableFuture<String> echo = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + port + "/ws/echo"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data,
                                                                          boolean last) {
                        echo.complete(data.toString());
                        return null;
                    }

                    @Override
                    public void onError(java.net.http.WebSocket webSocket, Throwable error) {
                        echo.completeExceptionally(error);
                    }
                }).get(DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        socket.sendText("through haproxy", true);
        try {
            return echo.get(DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } finally {
            socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    /** HAProxy's checks (GET /plaintext after a LOCAL header) pass: the server is UP in its statistics. */
    private static void awaitHealthCheckUp(Haproxy haproxy) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        String stat = "";
        while (System.nanoTime() - deadline < 0) {
            stat = haproxy.admin("show stat");
            for (String line : stat.split("\n")) {
                if (line.startsWith("server_v2,app,") && line.contains(",UP,")) {
                    return;
                }
            }
            // HAProxy has no event to wait on: poll its statistics a few times per check interval.
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        throw new AssertionError("the v2 server never came UP in HAProxy's checks: " + stat + "\n" + haproxy.log());
    }

    /** {@code GET /whoami} with {@code Connection: close}; the body. */
    private static String diagnosis(Haproxy haproxy, AbstractNetworkConnector connector) {
        String corral = connector instanceof CorralConnector c ? "headers=" + c.getProxyHeaders() + " failures="
                + c.getProxyHeaderFailuresByKind() + " " : "";
        return corral + "HAProxy said: " + haproxy.log();
    }

    private static String whoami(Socket client, java.util.function.Supplier<String> diagnosis) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write("GET /whoami HTTP/1.1\r\nHost: corral.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = client.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 200 "), () -> "'" + response + "' " + diagnosis.get());
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
