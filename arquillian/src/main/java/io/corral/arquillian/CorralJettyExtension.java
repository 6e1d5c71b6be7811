package io.corral.arquillian;

import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.arquillian.test.spi.enricher.resource.ResourceProvider;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;

/**
 * Registers {@link CorralJettyContainer} with Arquillian (through {@code META-INF/services}), and the
 * {@link ServingConnectorProvider} that lets a test inject the connector actually serving it.
 */
public final class CorralJettyExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(DeployableContainer.class, CorralJettyContainer.class);
        builder.service(ResourceProvider.class, ServingConnectorProvider.class);
    }
}
