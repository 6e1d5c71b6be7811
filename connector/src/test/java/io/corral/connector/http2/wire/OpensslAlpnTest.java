package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.testing.RequiredTool;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What OpenSSL's {@code s_client} sees of ALPN on Corral's TLS port serving {@code h2} and {@code http/1.1}: {@code h2}
 * when it offers it (first or not), {@code http/1.1} when it offers only that, nothing when it offers nothing, and no
 * {@code h2} for a TLS 1.2 session on a cipher suite of RFC 9113's blocklist (§9.2.2). OpenSSL is installed by the
 * project's {@code it-tests/src/test/sh/install-tools.sh}; the test is skipped, saying why, only when it cannot be
 * (a failure under {@code -Dcorral.requireTools=true}, as in CI: {@link RequiredTool}).
 */
class OpensslAlpnTest {

    private static H2TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Process install = new ProcessBuilder("bash", "../it-tests/src/test/sh/install-tools.sh", "openssl").inheritIO()
                .start();
        RequiredTool.assumeInstalled(install.waitFor(10, TimeUnit.MINUTES) && install.exitValue() == 0,
                () -> "openssl cannot be installed here");
        server = H2TestServer.overTls(Http2Config.DEFAULTS, Http1Config.DEFAULTS, exchange -> exchange.response()
                .write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), true));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void offeringH2GetsH2() throws Exception {
        assertTrue(sClient("-alpn", "h2").contains("ALPN protocol: h2\n"));
        assertTrue(sClient("-alpn", "http/1.1,h2").contains("ALPN protocol: h2\n"), "the server's preference");
    }

    @Test
    void offeringOnlyHttp11GetsHttp11() throws Exception {
        assertTrue(sClient("-alpn", "http/1.1").contains("ALPN protocol: http/1.1\n"));
    }

    @Test
    void offeringNothingGetsNoAlpn() throws Exception {
        assertTrue(sClient().contains("No ALPN negotiated"));
    }

    @Test
    void aBlocklistedTls12CipherSuiteGetsHttp11NotH2() throws Exception {
        // OpenSSL's name for TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 (the test certificate's key is EC).
        String out = sClient("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256", "-alpn", "h2,http/1.1");
        assertTrue(out.contains("ECDHE-ECDSA-AES128-SHA256"), out);
        assertTrue(out.contains("ALPN protocol: http/1.1\n"), out);
    }

    /** Runs {@code openssl s_client} against the server with {@code options}; returns what it printed. */
    private static String sClient(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-servername", "localhost"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close(); // end of input: s_client closes the connection after the handshake
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "openssl finished");
        String text = new String(output, StandardCharsets.ISO_8859_1);
        assertEquals(0, process.exitValue(), text);
        return text;
    }
}
