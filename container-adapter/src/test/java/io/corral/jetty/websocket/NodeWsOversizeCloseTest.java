package io.corral.jetty.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.ConnectorKind;
import io.corral.connector.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a Node.js application using the {@code ws} package sees when its message is over the endpoint's
 * limit: 50 connections in a row each send a 16 MiB message to a Jakarta endpoint with a 64 KiB limit, and
 * every one must end with the server's 1009 — never 1006, which is what a client reports when a reset
 * destroys the close frame before it reads it. The clients are installed from npm by
 * {@code src/test/node/install.sh}, as a CI machine gets them; the test is skipped, saying why, only
 * when they cannot be installed (and fails then under {@code -Dcorral.requireTools=true}, as in CI).
 */
class NodeWsOversizeCloseTest {

    private static final int RUNS = 50;
    private static final Path NODE_SOURCES = Path.of("src/test/node");
    private static final Path NODE_CLIENTS = Path.of("target/node-clients");

    private static BridgeServer server;

    @BeforeAll
    static void installClientsAndStart() throws Exception {
        Process install = new ProcessBuilder("bash", NODE_SOURCES.resolve("install.sh").toString(),
                NODE_CLIENTS.toString()).redirectErrorStream(true).start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean installed = install.waitFor(5, TimeUnit.MINUTES) && install.exitValue() == 0;
        RequiredTool.assumeInstalled(installed, () -> "Node.js clients could not be installed: " + output);
        server = BridgeServer.on(ConnectorKind.CORRAL).jakartaEndpoints(LingeringCloseBridgeTest.Limited.class).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("ws (Node.js): 50 × a 16 MiB message against a 64 KiB limit, every one ends with 1009")
    void everyOversizeMessageEndsWith1009() throws IOException, InterruptedException {
        Process client = new ProcessBuilder("node", "oversize-close.mjs", "ws://127.0.0.1:" + server.port() + "/limited",
                String.valueOf(RUNS), String.valueOf(LingeringCloseBridgeTest.MESSAGE))
                .directory(NODE_CLIENTS.toFile()).redirectErrorStream(true).start();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(client.waitFor(5, TimeUnit.MINUTES), "the Node.js client did not finish");
        assertEquals(0, client.exitValue(), output);
        String expected = String.join(",", Collections.nCopies(RUNS, "1009"));
        assertEquals("[" + expected + "]", output.lines().reduce((first, last) -> last).orElse(""),
                () -> "close codes seen by ws: " + output);
    }
}
