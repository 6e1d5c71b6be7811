package io.corral.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The container's lifecycle without Arquillian around it: it starts Jetty on the configured connector, bound
 * to an ephemeral loopback port, and stops it. (Deployments are tested through Arquillian in it-tests.)
 */
class CorralJettyContainerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"corral,io.corral.jetty.CorralConnector", "jetty,org.eclipse.jetty.server.ServerConnector"})
    @DisplayName("start serves on the configured connector and an ephemeral port; stop releases it")
    void startsOnTheConfiguredConnector(String connector, String connectorClass) throws Exception {
        CorralJettyConfiguration configuration = new CorralJettyConfiguration();
        configuration.setConnector(connector);
        configuration.validate();
        CorralJettyContainer container = new CorralJettyContainer();
        container.setup(configuration);
        container.start();
        try {
            assertEquals(connectorClass, container.connector().getClass().getName());
            assertTrue(container.connector().getLocalPort() > 0, "bound to an ephemeral port");
            assertTrue(container.connector().isStarted());
        } finally {
            container.stop();
        }
        assertTrue(container.connector().isStopped());
    }
}
