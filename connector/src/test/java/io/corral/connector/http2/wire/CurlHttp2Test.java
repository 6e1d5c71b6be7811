package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.testing.RequiredTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party client on Corral's HTTP/2: {@code curl --http2-prior-knowledge} (libcurl over nghttp2), a GET and
 * a body larger than every window both ways; and {@code curl --http2} over TLS, which gets {@code h2} by ALPN (and
 * HTTP/1.1 from the same port with {@code --http1.1}). One request per curl run: Debian 12's curl 7.88.1 fails every
 * transfer that reuses a prior-knowledge connection ("Error in the HTTP2 framing layer", curl issue 10634, fixed in
 * 8.0), so multiplexing is left to {@code Rfc9113StreamsTest} and, next, {@code nghttp}/{@code h2load}. curl is installed by
 * the project's {@code it-tests/src/test/sh/install-curl.sh} (Debian's package when missing); the test is skipped,
 * saying why, only when it cannot be installed or was built without HTTP/2 (and fails then under
 * {@code -Dcorral.requireTools=true}, as in CI: {@link RequiredTool}).
 */
class CurlHttp2Test {

    @TempDir
    static Path temp;

    @BeforeAll
    static void installCurl() throws Exception {
        Process install = new ProcessBuilder("bash", "../it-tests/src/test/sh/install-curl.sh").inheritIO().start();
        RequiredTool.assumeInstalled(install.waitFor(10, TimeUnit.MINUTES) && install.exitValue() == 0,
                () -> "curl cannot be installed here");
        String features = run(List.of("curl", "-V"), null);
        RequiredTool.assumeInstalled(features.contains("HTTP2"), () -> "this curl has no HTTP/2: " + features);
    }

    private static final HttpHandler VERSION_AND_TARGET = exchange -> exchange.response().write(
            ByteBuffer.wrap((exchange.request().version().text() + " " + exchange.request().target())
                    .getBytes(StandardCharsets.US_ASCII)), true);

    @Test
    void aGetOverPriorKnowledge() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, VERSION_AND_TARGET)) {
            String out = run(List.of("curl", "-sS", "-i", "--http2-prior-knowledge", url(server, "/hello?x=1")), null);
            assertTrue(out.startsWith("HTTP/2 200"), out);
            assertTrue(out.contains("content-length: 17"), out);
            assertTrue(out.endsWith("HTTP/2 /hello?x=1"), out);
        }
    }

    @Test
    void anUploadAndADownloadLargerThanTheWindows() throws Exception {
        byte[] upload = new byte[1_000_000];
        for (int i = 0; i < upload.length; i++) {
            upload[i] = (byte) ('a' + i % 26);
        }
        Path file = temp.resolve("upload.bin");
        Files.write(file, upload);
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            byte[] body = exchange.body().asInputStream().readAllBytes();
            exchange.response().write(ByteBuffer.wrap(body), true);
        })) {
            Path received = temp.resolve("received.bin");
            run(List.of("curl", "-sS", "--http2-prior-knowledge", "--data-binary", "@" + file, "-o",
                    received.toString(), url(server, "/echo")), null);
            assertTrue(java.util.Arrays.equals(upload, Files.readAllBytes(received)), "the echo matches");
        }
    }

    @Test
    void h2OverTlsByAlpnAndHttp11WhenAskedFor() throws Exception {
        // --http2 over https offers h2 and http/1.1 by ALPN; -k: the test's certificate is self-signed.
        try (H2TestServer server = H2TestServer.overTls(Http2Config.DEFAULTS, Http1Config.DEFAULTS, VERSION_AND_TARGET)) {
            String https = "https://127.0.0.1:" + server.port();
            String h2 = run(List.of("curl", "-sS", "-k", "-i", "--http2", https + "/tls?x=1"), null);
            assertTrue(h2.startsWith("HTTP/2 200"), h2);
            assertTrue(h2.endsWith("HTTP/2 /tls?x=1"), h2);
            String http11 = run(List.of("curl", "-sS", "-k", "-i", "--http1.1", https + "/tls"), null);
            assertTrue(http11.startsWith("HTTP/1.1 200"), http11);
            assertTrue(http11.endsWith("HTTP/1.1 /tls"), http11);
        }
    }

    @Test
    void anUploadLargerThanTheWindowsOverTls() throws Exception {
        byte[] upload = new byte[1_000_000];
        for (int i = 0; i < upload.length; i++) {
            upload[i] = (byte) ('a' + i % 26);
        }
        Path file = temp.resolve("upload-tls.bin");
        Files.write(file, upload);
        try (H2TestServer server = H2TestServer.overTls(Http2Config.DEFAULTS, Http1Config.DEFAULTS, exchange ->
                exchange.response().write(ByteBuffer.wrap(exchange.body().asInputStream().readAllBytes()), true))) {
            Path received = temp.resolve("received-tls.bin");
            String out = run(List.of("curl", "-sS", "-k", "--http2", "-w", "%{http_version}", "--data-binary",
                    "@" + file, "-o", received.toString(), "https://127.0.0.1:" + server.port() + "/echo"), null);
            assertEquals("2", out, "curl's %{http_version}");
            assertTrue(java.util.Arrays.equals(upload, Files.readAllBytes(received)), "the echo matches");
        }
    }

    private static String url(H2TestServer server, String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private static String run(List<String> command, byte[] input) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (input != null) {
            process.getOutputStream().write(input);
        }
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "curl finished");
        String text = new String(output, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        assertEquals(0, process.exitValue(), text);
        return text.strip();
    }
}
