package io.corral.it.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.connector.testing.RequiredTool;
import io.corral.jetty.demo.ConnectorKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real browser on the war-sample's page, on each connector: Debian's headless Chromium, driven by
 * {@code playwright-core} ({@code src/test/browser/chat-and-echo.mjs}), opens the page in two tabs; one echoes a
 * text and a binary message on {@code /ws/echo}, both join one chat room and each sees the other's message.
 * Chromium offers permessage-deflate on every socket, so the report also shows (from the DevTools protocol)
 * that each handshake response accepted it: the deflate path with a browser's own client. Screenshots of both
 * tabs are kept as artefacts under {@code target/chromium/}. Chromium and playwright-core are installed by
 * {@code src/test/browser/install.sh} (apt-get, npm ci); the tests are skipped, saying why, only when they
 * cannot be installed ({@link RequiredTool}: a failure instead in CI).
 */
class ChromiumWarSampleTest {

    private static final Duration DEADLINE = Duration.ofMinutes(5);
    private static final Path SCREENSHOTS = Path.of("target/chromium");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** What the browser saw, the same on both connectors: every line, frame type and handshake. */
    private static final String EXPECTED_REPORT = "{\"handshakes\":["
            + handshake("ann", "/ws/chat/browsers") + "," + handshake("ann", "/ws/echo") + ","
            + handshake("bob", "/ws/chat/browsers") + "," + handshake("bob", "/ws/echo") + "],"
            + "\"echo\":[\"connected\",\"text back: héllo from Chromium ✓\","
            + "\"binary back (24 bytes): héllo from Chromium ✓\"],"
            + "\"echoFrames\":[\"text\",\"binary\"],"
            + "\"chat\":{\"ann\":[\"server: joined browsers\",\"ann: hi Bob, it is Ann\",\"bob: hi Ann ✓\"],"
            + "\"bob\":[\"server: joined browsers\",\"ann: hi Bob, it is Ann\",\"bob: hi Ann ✓\"]},"
            + "\"pageExtensions\":\"permessage-deflate\",\"errors\":[]}";

    private static final DemoServers SERVERS = new DemoServers();

    @TempDir
    static Path scratch;

    @BeforeAll
    static void installChromium() throws Exception {
        BrowserClients.install(scratch);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopServers() throws Exception {
        SERVERS.close();
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("Chromium: two tabs chat in one room, one echoes text and binary, every socket with permessage-deflate")
    void twoTabsChatAndEchoWithPermessageDeflate(ConnectorKind kind) throws Exception {
        Path prefix = SCREENSHOTS.resolve(kind.optionName()).toAbsolutePath();
        ExternalProcess browser = ExternalProcess.run(List.of("node", "chat-and-echo.mjs",
                SERVERS.base(kind) + "/", prefix.toString()), BrowserClients.DIRECTORY, scratch, DEADLINE);
        String report = browser.stdoutText().strip().lines().reduce((first, last) -> last).orElse("");

        assertEquals(EXPECTED_REPORT, report, () -> "chromium's stderr: " + browser.stderr());
        assertEquals(0, browser.exitCode(), browser::stderr);
        for (String tab : List.of("ann", "bob")) {
            Path screenshot = Path.of(prefix + "-" + tab + ".png");
            byte[] head = Arrays.copyOf(Files.readAllBytes(screenshot), PNG_SIGNATURE.length);
            assertArrayEquals(PNG_SIGNATURE, head, screenshot + " is a PNG");
        }
    }

    private static String handshake(String tab, String path) {
        return "{\"tab\":\"" + tab + "\",\"path\":\"" + path + "\",\"status\":101,\"extensions\":\"permessage-deflate\"}";
    }
}
