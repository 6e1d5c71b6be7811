package io.corral.arquillian;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jboss.arquillian.container.spi.ConfigurationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code arquillian.xml} properties: their defaults, and each refusal naming what is wrong. */
class CorralJettyConfigurationTest {

    @Test
    @DisplayName("defaults: Corral's connector on 127.0.0.1, an ephemeral port, ee10")
    void defaultsAreValid() {
        CorralJettyConfiguration configuration = new CorralJettyConfiguration();
        assertDoesNotThrow(configuration::validate);
        assertEquals("corral", configuration.getConnector());
        assertEquals("127.0.0.1", configuration.getBindAddress());
        assertEquals(0, configuration.getBindHttpPort());
        assertEquals("ee10", configuration.getEnvironment());
    }

    @ParameterizedTest
    @ValueSource(strings = {"corral", "jetty", "JETTY"})
    void bothConnectorsAreAccepted(String connector) {
        CorralJettyConfiguration configuration = new CorralJettyConfiguration();
        configuration.setConnector(connector);
        assertDoesNotThrow(configuration::validate);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"connector,undertow,undertow", "bindHttpPort,65536,65536", "bindHttpPort,-1,-1",
            "bindAddress,' ',bindAddress", "environment,ee11,ee11"})
    @DisplayName("a value the container cannot serve is refused, and the message names it")
    void anUnservableValueIsRefused(String property, String value, String named) {
        CorralJettyConfiguration configuration = new CorralJettyConfiguration();
        switch (property) {
            case "connector" -> configuration.setConnector(value);
            case "bindHttpPort" -> configuration.setBindHttpPort(Integer.parseInt(value));
            case "bindAddress" -> configuration.setBindAddress(value);
            case "environment" -> configuration.setEnvironment(value);
            default -> throw new IllegalArgumentException(property);
        }
        ConfigurationException refused = assertThrows(ConfigurationException.class, configuration::validate);
        assertTrue(refused.getMessage().contains(named), refused.getMessage());
    }
}
