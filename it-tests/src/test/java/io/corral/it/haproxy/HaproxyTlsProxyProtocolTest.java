package io.corral.it.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HAProxy, TLS and the PROXY protocol, both ways round, on each connector configured alike, with the war-sample's
 * {@code /whoami} answering a client on 127.0.0.2:
 * <ul>
 *   <li>HAProxy terminates the client's TLS and relays plain HTTP with {@code send-proxy-v2-ssl}: the request is
 *       {@code https} and secure because the header says the client spoke TLS (ServerConnector always trusts it;
 *       CorralConnector when told to, {@code proxyTrustSsl});</li>
 *   <li>HAProxy relays a plain client to a TLS server with {@code send-proxy-v2} and {@code ssl}: the header comes
 *       before the TLS handshake, and the server reads it on the raw connection first.</li>
 * </ul>
 */
class HaproxyTlsProxyProtocolTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String CLIENT_ADDRESS = "127.0.0.2";

    @TempDir
    static Path scratch;
    private static SelfSignedCertificate certificate;

    @BeforeAll
    static void installHaproxy() throws Exception {
        Haproxy.assumeInstalled(scratch);
        certificate = SelfSignedCertificate.create(scratch);
    }

    private static Server serve(ConnectorKind kind, boolean tls) throws Exception {
        Server server = new Server();
        HttpConfiguration configuration = new HttpConfiguration();
        List<ConnectionFactory> factories;
        if (tls) {
            configuration.addCustomizer(new SecureRequestCustomizer());
            SslContextFactory.Server context = new SslContextFactory.Server();
            context.setKeyStorePath(certificate.keyStore().toString());
            context.setKeyStorePassword(SelfSignedCertificate.PASSWORD);
            context.setKeyStoreType("PKCS12");
            SslConnectionFactory ssl = new SslConnectionFactory(context, "http/1.1");
            factories = List.of(new ProxyConnectionFactory(ssl.getProtocol()), ssl, new HttpConnectionFactory(configuration));
        } else {
            factories = List.of(new ProxyConnectionFactory(), new HttpConnectionFactory(configuration));
        }
        ConnectionFactory[] array = factories.toArray(ConnectionFactory[]::new);
        AbstractNetworkConnector connector = switch (kind) {
            case JETTY -> new ServerConnector(server, array);
            case CORRAL -> {
                CorralConnector corral = new CorralConnector(server, array);
                corral.setProxyTrustSsl(true); // the operator says HAProxy terminates TLS and guards this port
                yield corral;
            }
        };
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(AnnotatedWar.context(Path.of(System.getProperty("war.sample.file")), "/"));
        server.start();
        return server;
    }

    private static int port(Server server) {
        return ((AbstractNetworkConnector) server.getConnectors()[0]).getLocalPort();
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("TLS terminated by HAProxy (send-proxy-v2-ssl), or passed through to a TLS server (header first): "
            + "/whoami answers the client's address, https, secure")
    void tlsEitherSideOfHaproxy(ConnectorKind kind) throws Exception {
        Server plain = serve(kind, false);
        Server tls = serve(kind, true);
        try (Haproxy haproxy = Haproxy.fromResource("haproxy/proxy-protocol-tls.cfg")
                .set("PEM", certificate.pem().toString())
                .set("PLAIN_BACKEND", "127.0.0.1:" + port(plain))
                .set("TLS_BACKEND", "127.0.0.1:" + port(tls))
                .port("FRONT_TERMINATING").port("FRONT_PASSTHROUGH")
                .start(scratch)) {
            int terminating = haproxy.port("FRONT_TERMINATING");
            try (Socket raw = clientSocket(terminating);
                 SSLSocket client = (SSLSocket) certificate.clientContext().getSocketFactory()
                         .createSocket(raw, "localhost", terminating, true)) {
                SSLParameters parameters = client.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName("localhost")));
                client.setSSLParameters(parameters);
                assertEquals(expected(raw, terminating, "https", true), whoami(client),
                        kind + " behind TLS-terminating HAProxy; it said: " + haproxy.log());
            }
            int passthrough = haproxy.port("FRONT_PASSTHROUGH");
            try (Socket client = clientSocket(passthrough)) {
                assertEquals(expected(client, passthrough, "https", true), whoami(client),
                        kind + " with TLS from HAProxy; it said: " + haproxy.log());
            }
        } finally {
            plain.stop();
            tls.stop();
        }
    }

    private static Socket clientSocket(int port) throws IOException {
        Socket client = new Socket();
        client.bind(new InetSocketAddress(CLIENT_ADDRESS, 0));
        client.connect(new InetSocketAddress("127.0.0.1", port), (int) DEADLINE.toMillis());
        client.setSoTimeout((int) DEADLINE.toMillis());
        return client;
    }

    private static String expected(Socket client, int frontPort, String scheme, boolean secure) {
        return "{\"remoteAddr\":\"" + CLIENT_ADDRESS + "\",\"remotePort\":" + client.getLocalPort()
                + ",\"localAddr\":\"127.0.0.1\",\"localPort\":" + frontPort
                + ",\"scheme\":\"" + scheme + "\",\"secure\":" + secure + "}";
    }

    private static String whoami(Socket client) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write("GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = client.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
