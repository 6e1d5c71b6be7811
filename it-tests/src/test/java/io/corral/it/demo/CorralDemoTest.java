package io.corral.it.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.demo.ConnectorKind;
import io.corral.jetty.demo.CorralDemo;
import io.corral.jetty.demo.DemoOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The demo launcher as {@code bin/demo} runs it, in-process: the built war-sample.war deployed at
 * {@code /} on an ephemeral loopback port, through each connector the launcher offers.
 */
class CorralDemoTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void servesTheBuiltWarAtTheRoot(ConnectorKind kind) throws Exception {
        Path war = Path.of(System.getProperty("war.sample.file"));
        Server server = CorralDemo.start(new DemoOptions("127.0.0.1", 0, kind, war));
        try {
            NetworkConnector connector = (NetworkConnector) server.getConnectors()[0];
            assertEquals("127.0.0.1", connector.getHost());
            String base = "http://127.0.0.1:" + connector.getLocalPort();

            HttpResponse<String> plaintext = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/plaintext"))
                    .timeout(TIMEOUT).build(), BodyHandlers.ofString());
            assertEquals(200, plaintext.statusCode());
            assertEquals("Hello, World!", plaintext.body());

            HttpResponse<String> echo = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .timeout(TIMEOUT).header("Content-Type", "text/plain")
                    .POST(BodyPublishers.ofString("side by side")).build(), BodyHandlers.ofString());
            assertEquals("side by side", echo.body());

            HttpResponse<String> page = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .timeout(TIMEOUT).build(), BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("ws/chat/"), "the index page demos the chat");
        } finally {
            server.stop();
        }
    }

    /** An announced body one byte over the demo's limit gets 413 instead of a 100 Continue, on both connectors. */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void bodiesOverTheLimitGet413BeforeTheyAreSent(ConnectorKind kind) throws Exception {
        Path war = Path.of(System.getProperty("war.sample.file"));
        Server server = CorralDemo.start(new DemoOptions("127.0.0.1", 0, kind, war));
        try (Socket socket = new Socket("127.0.0.1", ((NetworkConnector) server.getConnectors()[0]).getLocalPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: demo\r\nExpect: 100-continue\r\nContent-Length: "
                    + (CorralDemo.MAX_BODY_SIZE + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] statusLine = in.readNBytes("HTTP/1.1 413".length());
            assertEquals("HTTP/1.1 413", new String(statusLine, StandardCharsets.US_ASCII), kind.optionName());
        } finally {
            server.stop();
        }
    }

    @Test
    void aMissingWarIsReportedBeforeAnythingStarts() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> CorralDemo.start(
                new DemoOptions("127.0.0.1", 0, ConnectorKind.JETTY, Path.of("target/no-such.war"))));
        assertTrue(failure.getMessage().contains("no-such.war"), failure.getMessage());
    }
}
