package io.corral.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.connector.testing.RequiredTool;
import io.corral.jetty.demo.ConnectorKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a Node.js application using the {@code ws} package sees from the built war-sample's
 * {@code /ws/echo}, served by the demo launcher on each connector: every text and binary message (the
 * frame-length boundaries 125/126 and 65535/65536 bytes, multi-byte UTF-8) comes back as the same type
 * and bytes, whole or sent in three fragments, with and without permessage-deflate, and from 100 clients
 * at once. {@code ws-echo.mjs} prints one JSON report; the expected report is the same on both connectors.
 * The clients are installed from npm by {@code container-adapter/src/test/node/install.sh}, as a CI machine
 * gets them; the tests are skipped, saying why, only when they cannot be installed ({@link RequiredTool}: a
 * failure instead in CI).
 */
class NodeWsWarSampleTest {

    /** Messages per session: one multi-byte text, then text and binary of 6 sizes (ws-echo.mjs). */
    private static final int MESSAGES = 13;
    private static final int CONCURRENT_CLIENTS = 100;
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final Path NODE_CLIENTS = Path.of("target/node-clients");

    private static final DemoServers SERVERS = new DemoServers();

    @TempDir
    static Path scratch;

    @BeforeAll
    static void installClients() throws Exception {
        Path install = Path.of(System.getProperty("node.clients.sources"), "install.sh");
        ExternalProcess installed = ExternalProcess.run(List.of("bash", install.toString(), NODE_CLIENTS.toString()),
                Path.of("."), scratch, Duration.ofMinutes(5));
        RequiredTool.assumeInstalled(installed.exitCode() == 0,
                () -> "Node.js clients could not be installed: " + installed.stderr());
    }

    @AfterAll
    static void stopServers() throws Exception {
        SERVERS.close();
    }

    static Stream<Arguments> connectorsAndDeflate() {
        return Stream.of(ConnectorKind.values())
                .flatMap(kind -> Stream.of(Arguments.of(kind, true), Arguments.of(kind, false)));
    }

    @ParameterizedTest(name = "{0}, permessage-deflate {1}")
    @MethodSource("connectorsAndDeflate")
    @DisplayName("ws (Node.js): whole text and binary messages are echoed as they were sent")
    void wholeMessagesAreEchoedAsSent(ConnectorKind kind, boolean deflate) throws Exception {
        assertEquals(expectedReport(MESSAGES, deflate), echo(kind, "whole", deflate));
    }

    @ParameterizedTest(name = "{0}, permessage-deflate {1}")
    @MethodSource("connectorsAndDeflate")
    @DisplayName("ws (Node.js): messages sent in three fragments, cut inside UTF-8 sequences, come back whole")
    void fragmentedMessagesAreEchoedWhole(ConnectorKind kind, boolean deflate) throws Exception {
        assertEquals(expectedReport(MESSAGES, deflate), echo(kind, "fragmented", deflate));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("ws (Node.js): 100 concurrent clients with permessage-deflate each get every echo and a 1000 close")
    void hundredConcurrentClientsEachGetTheirEchoes(ConnectorKind kind) throws Exception {
        assertEquals(expectedReport(CONCURRENT_CLIENTS * MESSAGES, true),
                echo(kind, "concurrent", true, String.valueOf(CONCURRENT_CLIENTS)));
    }

    /** The report of ws-echo.mjs when every message came back identical and every session closed with 1000. */
    private static String expectedReport(int messages, boolean deflate) {
        return "{\"sent\":" + messages + ",\"echoed\":" + messages + ",\"mismatches\":[],\"extensions\":[\""
                + (deflate ? "permessage-deflate" : "") + "\"],\"closeCodes\":[1000],\"failures\":[]}";
    }

    private static String echo(ConnectorKind kind, String scenario, boolean deflate, String... more) throws Exception {
        List<String> command = Stream.concat(Stream.of("node", "ws-echo.mjs",
                "ws://127.0.0.1:" + SERVERS.port(kind) + "/ws/echo", scenario, deflate ? "on" : "off"),
                Stream.of(more)).toList();
        ExternalProcess client = ExternalProcess.run(command, NODE_CLIENTS, scratch, DEADLINE)
                .assertSucceeded("ws-echo.mjs");
        return client.stdoutText().strip().lines().reduce((first, last) -> last).orElse("");
    }
}
