package io.corral.bench.sidebyside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Scenario selection, as {@code --scenarios} and the README promise it, and the owner of a class. */
class ScenarioTest {

    private static List<String> selected(String... selectors) {
        return Scenario.select(Scenario.all(false), List.of(selectors)).stream().map(Scenario::name).toList();
    }

    @Test
    void aPrefixSelectsItsFamilyAndAFullNameItself() {
        assertEquals(List.of("ws-echo-32", "ws-echo-16k"), selected("ws-echo"));
        assertEquals(List.of("idle-http"), selected("idle-http"));
        assertEquals(List.of("idle-ws-10k", "idle-ws-19k"), selected("idle-ws"));
        assertEquals(List.of("plaintext-16", "plaintext-256", "echo-16", "echo-256", "close-16"), selected("http"));
        assertEquals(List.of("h2-raw-plaintext-1x16", "h2-raw-plaintext-1x256", "h2-raw-plaintext-4x16",
                "h2-raw-plaintext-4x256", "h2-raw-echo-4x16"), selected("h2-raw"));
        assertEquals(10, selected("h2").size(), "the connector's and the raw engine's");
        assertEquals(List.of("h2-plaintext-1x16", "h2-plaintext-1x256"), selected("h2-plaintext-1x16", "h2-plaintext-1x256"));
    }

    @Test
    void theHttp2ScenariosRunTheirStreamsAgainstJettysHttp2() {
        for (Scenario scenario : Scenario.select(Scenario.all(false), List.of("h2"))) {
            Scenario.Throughput h2 = (Scenario.Throughput) scenario;
            assertEquals(ServerKind.JETTY_H2C, h2.baseline(), h2.name());
            assertEquals(h2.name().startsWith("h2-raw-") ? ServerKind.RAW_H2C : ServerKind.CORRAL_H2C, h2.measured(),
                    h2.name());
            assertEquals(1.25, h2.minRatio(), 1e-9, h2.name());
            assertEquals(h2.name().endsWith("x256") ? 256 : 16, h2.streams(), h2.name());
        }
        assertEquals(1, ((Scenario.Throughput) Scenario.select(Scenario.all(false), List.of("plaintext-16")).getFirst())
                .streams(), "HTTP/1.1: one request at a time per connection");
    }

    @Test
    void everyTargetOfTheIssueIsAScenario() {
        assertEquals(27, selected().size());
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() {
        assertThrows(IllegalArgumentException.class, () -> selected("nope"));
    }

    @Test
    void ownersOfIdleConnectionBytes() {
        assertEquals(Owner.CORRAL, Owner.of("io.corral.jetty.CorralEndPoint"));
        assertEquals(Owner.OTHER, Owner.of("io.corral.sample.ws.EchoEndpoint"));
        assertEquals(Owner.JETTY, Owner.of("org.eclipse.jetty.websocket.core.internal.WebSocketCoreSession"));
        assertEquals(Owner.THREADS, Owner.of("jdk.internal.vm.StackChunk"));
        assertEquals(Owner.THREADS, Owner.of("java.lang.VirtualThread"));
        assertEquals(Owner.BUFFERS, Owner.of("[B"));
        assertEquals(Owner.BUFFERS, Owner.of("java.nio.HeapByteBuffer"));
        assertEquals(Owner.OTHER, Owner.of("java.util.concurrent.ConcurrentHashMap$Node"));
    }
}
