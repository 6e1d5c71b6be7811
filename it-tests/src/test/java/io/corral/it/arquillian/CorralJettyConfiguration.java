package io.corral.it.arquillian;

import io.corral.jetty.demo.ConnectorKind;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/**
 * The {@code <configuration>} properties of {@link CorralJettyContainer} in {@code arquillian.xml}:
 * {@code connector} ({@code corral} or {@code jetty}, default {@code corral}), {@code bindAddress}
 * (default {@code 127.0.0.1}) and {@code bindHttpPort} (default 0, an ephemeral port). Arquillian sets them
 * through the setters by property name.
 */
public final class CorralJettyConfiguration implements ContainerConfiguration {

    private String connector = ConnectorKind.CORRAL.optionName();
    private String bindAddress = "127.0.0.1";
    private int bindHttpPort;

    @Override
    public void validate() throws ConfigurationException {
        try {
            ConnectorKind.named(connector);
        } catch (IllegalArgumentException unknown) {
            throw new ConfigurationException(unknown.getMessage());
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new ConfigurationException("bindAddress is required");
        }
        if (bindHttpPort < 0 || bindHttpPort > 65535) {
            throw new ConfigurationException("bindHttpPort " + bindHttpPort + " is not between 0 and 65535");
        }
    }

    public ConnectorKind connectorKind() {
        return ConnectorKind.named(connector);
    }

    public String getConnector() {
        return connector;
    }

    public void setConnector(String connector) {
        this.connector = connector;
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public int getBindHttpPort() {
        return bindHttpPort;
    }

    public void setBindHttpPort(int bindHttpPort) {
        this.bindHttpPort = bindHttpPort;
    }
}
