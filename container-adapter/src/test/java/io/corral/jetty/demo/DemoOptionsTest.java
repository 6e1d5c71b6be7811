package io.corral.jetty.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo launcher's command line: defaults, every option, and the mistakes it must name. */
class DemoOptionsTest {

    @Test
    void noArgumentsMeansLoopbackPort8080CorralAndTheBuiltWarSample() {
        DemoOptions options = DemoOptions.parse(List.of());
        assertEquals(new DemoOptions("127.0.0.1", 8080, ConnectorKind.CORRAL,
                Path.of("war-sample/target/war-sample.war")), options);
    }

    @Test
    void everyOptionInAnyOrder() {
        DemoOptions options = DemoOptions.parse(List.of("--war=/tmp/x.war", "9090", "--connector=jetty", "--host=0.0.0.0"));
        assertEquals(new DemoOptions("0.0.0.0", 9090, ConnectorKind.JETTY, Path.of("/tmp/x.war")), options);
    }

    @Test
    void inheritChannelIsOffUnlessAsked() {
        assertEquals(false, DemoOptions.parse(List.of()).inheritChannel());
        assertEquals(new DemoOptions("127.0.0.1", 8080, ConnectorKind.CORRAL, Path.of("war-sample/target/war-sample.war"),
                true), DemoOptions.parse(List.of("--inherit-channel")));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "65535, 65535"})
    void portsOnBothEndsOfTheRangeAreAccepted(String arg, int port) {
        assertEquals(port, DemoOptions.parse(List.of(arg)).port());
    }

    @ParameterizedTest
    @CsvSource({"corral, CORRAL", "CORRAL, CORRAL", "Jetty, JETTY", "jetty, JETTY"})
    void connectorNamesIgnoreCase(String name, ConnectorKind kind) {
        assertEquals(kind, DemoOptions.parse(List.of("--connector=" + name)).connector());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "-1", "65536", "80x", "--port=80", "--connector=undertow", "--connector=", "--host=", "-v", "8080 8081",
        "--tls=yes", "--keystore=/tmp/k.p12", "--keystore=/tmp/k.p12 --keystore-password="})
    void mistakesAreRejectedWithAMessage(String commandLine) {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(Arrays.asList(commandLine.split(" "))));
        assertTrue(failure.getMessage() != null && !failure.getMessage().isBlank());
    }

    @Test
    void plainHttpUnlessAskedForTls() {
        assertNull(DemoOptions.parse(List.of("8443")).tls());
    }

    @Test
    void tlsAloneMeansASelfSignedCertificateMadeAtStart() {
        DemoOptions options = DemoOptions.parse(List.of("8443", "--tls"));
        assertEquals(DemoTls.SELF_SIGNED, options.tls());
        assertTrue(options.tls().selfSigned());
    }

    @Test
    void aKeystoreWithItsPasswordOnTheCommandLineOrInTheEnvironment() {
        assertEquals(new DemoTls(Path.of("/etc/k.p12"), "secret"),
                DemoOptions.parse(List.of("--keystore=/etc/k.p12", "--keystore-password=secret"), Map.of()).tls());
        assertEquals(new DemoTls(Path.of("/etc/k.p12"), "from-env"), DemoOptions.parse(List.of("--tls",
                "--keystore=/etc/k.p12"), Map.of(DemoTls.PASSWORD_VARIABLE, "from-env")).tls());
    }

    @Test
    void optionNamesRoundTrip() {
        for (ConnectorKind kind : ConnectorKind.values()) {
            assertEquals(kind, ConnectorKind.named(kind.optionName()));
        }
    }
}
