package io.corral.it.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.corral.jetty.demo.ConnectorKind;
import java.net.URL;
import org.eclipse.jetty.server.NetworkConnector;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves which connector the suite ran on: the surefire execution names it ({@code arquillian.launch} is
 * {@code corral} or {@code jetty}), and the connector behind the injected URL must be of that kind. Without
 * this a misconfigured build could run the "Corral" suite on Jetty's connector and pass.
 */
@ExtendWith(ArquillianExtension.class)
public class ServingConnectorTest {

    @ArquillianResource
    private URL base;

    @ArquillianResource
    private NetworkConnector connector;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return WarSampleDeployment.create("connector-check.war");
    }

    @Test
    void theConnectorBehindTheUrlIsTheOneThisRunIsFor() {
        ConnectorKind expected = ConnectorKind.named(System.getProperty("arquillian.launch", "corral"));
        assertNotNull(connector, "the container exposes its connector");
        // Named here, independently of ConnectorKind, so a wrong mapping there cannot make this pass.
        String expectedClass = switch (expected) {
            case CORRAL -> "io.corral.jetty.CorralConnector";
            case JETTY -> "org.eclipse.jetty.server.ServerConnector";
        };
        assertEquals(expectedClass, connector.getClass().getName());
        assertEquals(base.getPort(), connector.getLocalPort(), "the URL points at this connector");
    }
}
