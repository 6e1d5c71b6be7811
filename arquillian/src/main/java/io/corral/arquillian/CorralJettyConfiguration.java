package io.corral.arquillian;

import io.corral.jetty.demo.ConnectorKind;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/**
 * The {@code <configuration>} properties of {@link CorralJettyContainer} in {@code arquillian.xml}:
 * {@code connector} ({@code corral}, the default, or {@code jetty} for Jetty's own {@code ServerConnector}),
 * {@code bindAddress} (default {@code 127.0.0.1}), {@code bindHttpPort} (default 0, an ephemeral port) and
 * {@code environment} (the Jakarta EE environment WARs are deployed in; {@code ee10}, the default and for now
 * the only one the embedded container has). Arquillian sets them through the setters by property name;
 * {@link #validate()} refuses a value it cannot serve, naming it.
 */
public final class CorralJettyConfiguration implements ContainerConfiguration {

    private String connector = ConnectorKind.CORRAL.optionName();
    private String bindAddress = "127.0.0.1";
    private int bindHttpPort;
    private String environment = EE10;

    /** The one environment the embedded container deploys in (a jetty-home serves ee9 and ee11 too). */
    static final String EE10 = "ee10";

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
        if (!EE10.equals(environment)) {
            throw new ConfigurationException("environment " + environment + " is not supported by the embedded"
                    + " container (only ee10); ee9 and ee11 WARs run on Corral in a jetty-home (README)");
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

    public String getEnvironment() {
        return environment;
    }

    public void setEnvironment(String environment) {
        this.environment = environment;
    }
}
