package io.corral.arquillian;

import java.lang.annotation.Annotation;
import org.eclipse.jetty.server.NetworkConnector;
import org.jboss.arquillian.container.spi.Container;
import org.jboss.arquillian.container.spi.ContainerRegistry;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.arquillian.test.spi.enricher.resource.ResourceProvider;

/**
 * Resolves {@code @ArquillianResource NetworkConnector}: the connector of the running
 * {@link CorralJettyContainer}, so a test can prove which connector served it (a suite meant to run on
 * Corral must fail if it silently ran on Jetty's connector).
 */
public final class ServingConnectorProvider implements ResourceProvider {

    @Inject
    private Instance<ContainerRegistry> registry;

    @Override
    public boolean canProvide(Class<?> type) {
        return type.isAssignableFrom(NetworkConnector.class);
    }

    @Override
    public Object lookup(ArquillianResource resource, Annotation... qualifiers) {
        ContainerRegistry containers = registry.get();
        if (containers == null) {
            return null;
        }
        for (Container container : containers.getContainers()) {
            if (container.getDeployableContainer() instanceof CorralJettyContainer jetty
                    && container.getState() == Container.State.STARTED) {
                return jetty.connector();
            }
        }
        return null;
    }
}
