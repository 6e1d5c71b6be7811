package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.testing.RequiredTool;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nghttp (the nghttp2 project's client, Debian's {@code nghttp2-client}) on Corral's h2c: many requests
 * multiplexed on one connection (h2c by prior knowledge, and h2 over TLS by ALPN), and uploads past the windows on
 * concurrent streams. Installed by
 * {@code connector/src/test/sh/install-nghttp.sh}; the test is skipped, saying why, only when it cannot be
 * (a failure under {@code -Dcorral.requireTools=true}, as in CI: {@link RequiredTool}).
 */
class NghttpHttp2Test {

    @TempDir
    static Path temp;

    @BeforeAll
    static void installNghttp() throws Exception {
        Process install = new ProcessBuilder("bash", "src/test/sh/install-nghttp.sh").inheritIO().start();
        RequiredTool.assumeInstalled(install.waitFor(15, TimeUnit.MINUTES) && install.exitValue() == 0,
                () -> "nghttp cannot be installed here");
    }

    @Test
    void fiftyRequestsMultiplexedOnOneConnection() throws Exception {
        Set<Long> connections = ConcurrentHashMap.newKeySet();
        Set<Integer> streamsSeen = ConcurrentHashMap.newKeySet();
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            connections.add(exchange.connectionId());
            streamsSeen.add(exchange.requestNumber());
            exchange.response().write(ByteBuffer.wrap(("[" + exchange.request().target() + "]")
                    .getBytes(StandardCharsets.US_ASCII)), true);
        })) {
            List<String> command = new ArrayList<>(List.of("nghttp", "--no-dep"));
            for (int i = 0; i < 50; i++) {
                command.add("http://127.0.0.1:" + server.port() + "/r" + i);
            }
            String out = run(command);
            for (int i = 0; i < 50; i++) {
                assertTrue(out.contains("[/r" + i + "]"), "response " + i + " in " + out);
            }
            assertEquals(1, connections.size(), "one connection carried them all");
            assertEquals(50, streamsSeen.size());
        }
    }

    @Test
    void requestsMultiplexedOverTlsByAlpn() throws Exception {
        Set<Long> connections = ConcurrentHashMap.newKeySet();
        HttpHandler handler = exchange -> {
            connections.add(exchange.connectionId());
            exchange.response().write(ByteBuffer.wrap(("[" + exchange.request().version().text() + " "
                    + exchange.request().target() + " " + exchange.isSecure() + "]").getBytes(StandardCharsets.US_ASCII)),
                    true);
        };
        try (H2TestServer server = H2TestServer.overTls(Http2Config.DEFAULTS, Http1Config.DEFAULTS, handler)) {
            // nghttp offers only h2 by ALPN and fails when it does not get it; it does not check the certificate.
            List<String> command = new ArrayList<>(List.of("nghttp", "--no-dep"));
            for (int i = 0; i < 20; i++) {
                command.add("https://127.0.0.1:" + server.port() + "/t" + i);
            }
            String out = run(command);
            for (int i = 0; i < 20; i++) {
                assertTrue(out.contains("[HTTP/2 /t" + i + " true]"), "response " + i + " in " + out);
            }
            assertEquals(1, connections.size(), "one TLS connection carried them all");
        }
    }

    @Test
    void uploadsLargerThanTheWindowsOnConcurrentStreams() throws Exception {
        byte[] upload = new byte[500_000];
        for (int i = 0; i < upload.length; i++) {
            upload[i] = (byte) ('a' + i % 26);
        }
        Path file = temp.resolve("upload.bin");
        Files.write(file, upload);
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            byte[] body = exchange.body().asInputStream().readAllBytes();
            boolean same = java.util.Arrays.equals(upload, body);
            exchange.response().write(ByteBuffer.wrap(("[" + exchange.request().target() + " " + same + "]")
                    .getBytes(StandardCharsets.US_ASCII)), true);
        })) {
            List<String> command = new ArrayList<>(List.of("nghttp", "--no-dep", "-d", file.toString()));
            for (int i = 0; i < 4; i++) {
                command.add("http://127.0.0.1:" + server.port() + "/u" + i);
            }
            String out = run(command);
            for (int i = 0; i < 4; i++) {
                assertTrue(out.contains("[/u" + i + " true]"), "upload " + i + " in " + out);
            }
        }
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "nghttp finished");
        String text = new String(output, StandardCharsets.ISO_8859_1);
        assertEquals(0, process.exitValue(), text);
        return text;
    }
}
