package io.corral.arquillian;

import io.corral.jetty.demo.AnnotatedWar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;

/**
 * An Arquillian container: embedded Jetty 12.1 serving through the configured connector (Corral's or
 * Jetty's), deploying each ShrinkWrap WAR as an annotation-scanned ee10 {@link WebAppContext}. It exists
 * because {@code arquillian-jetty-embedded-12-ee10} links against deploy classes Jetty 12.1 removed.
 * Tests run as clients ({@code @Deployment(testable = false)}) and get the context URL through
 * {@code @ArquillianResource URL}, and the serving connector through {@code @ArquillianResource NetworkConnector}.
 * Shipped as its own artifact, {@code io.corral:corral-arquillian}, registered by {@link CorralJettyExtension}
 * through {@code META-INF/services}; configured by {@link CorralJettyConfiguration}.
 */
public final class CorralJettyContainer implements DeployableContainer<CorralJettyConfiguration> {

    private CorralJettyConfiguration configuration;
    private Server server;
    private AbstractNetworkConnector connector;
    private ContextHandlerCollection contexts;
    private Path exportDirectory;
    private final Map<String, WebAppContext> deployed = new ConcurrentHashMap<>();

    @Override
    public Class<CorralJettyConfiguration> getConfigurationClass() {
        return CorralJettyConfiguration.class;
    }

    @Override
    public void setup(CorralJettyConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public void start() throws LifecycleException {
        try {
            exportDirectory = Files.createTempDirectory("corral-arquillian-");
            server = new Server();
            connector = configuration.connectorKind()
                    .newConnector(server, configuration.getBindAddress(), configuration.getBindHttpPort());
            server.addConnector(connector);
            contexts = new ContextHandlerCollection();
            server.setHandler(contexts);
            server.start();
        } catch (Exception failure) {
            stopQuietly();
            throw new LifecycleException("could not start Jetty on the " + configuration.getConnector() + " connector",
                    failure);
        }
    }

    @Override
    public void stop() throws LifecycleException {
        try {
            server.stop();
        } catch (Exception failure) {
            throw new LifecycleException("could not stop Jetty", failure);
        } finally {
            deleteExportDirectory();
        }
    }

    /** Tests run as clients, so no protocol carries test code into the container. */
    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription("Local");
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        String contextPath = contextPath(archive.getName());
        Path war = exportDirectory.resolve(archive.getName());
        archive.as(ZipExporter.class).exportTo(war.toFile(), true);
        WebAppContext context = AnnotatedWar.context(war, contextPath);
        // Without this a broken WAR deploys "unavailable" and every test fails with a puzzling 503.
        context.setThrowUnavailableOnStartupException(true);
        try {
            contexts.addHandler(context); // started by the (started) collection
            if (!context.isStarted()) {
                context.start();
            }
        } catch (Exception failure) {
            contexts.removeHandler(context);
            throw new DeploymentException("could not deploy " + archive.getName(), failure);
        }
        deployed.put(archive.getName(), context);
        return new ProtocolMetaData().addContext(httpContext(context));
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        WebAppContext context = deployed.remove(archive.getName());
        if (context == null) {
            return;
        }
        contexts.removeHandler(context);
        try {
            context.stop();
        } catch (Exception failure) {
            throw new DeploymentException("could not undeploy " + archive.getName(), failure);
        }
    }

    /** The connector serving the deployments; tests check it is the configured kind. */
    AbstractNetworkConnector connector() {
        return connector;
    }

    private HTTPContext httpContext(WebAppContext context) {
        HTTPContext http = new HTTPContext(configuration.getBindAddress(), connector.getLocalPort());
        // Servlets give Arquillian the context root, so an injected URL ends in "/<context>/".
        for (ServletHolder holder : context.getServletHandler().getServlets()) {
            http.add(new Servlet(holder.getName(), context.getContextPath()));
        }
        return http;
    }

    /** {@code name.war} deploys at {@code /name}, {@code ROOT.war} at {@code /}, as jetty-home's deployer does. */
    static String contextPath(String archiveName) {
        String base = archiveName.endsWith(".war") ? archiveName.substring(0, archiveName.length() - 4) : archiveName;
        return base.equalsIgnoreCase("ROOT") ? "/" : "/" + base;
    }

    private void stopQuietly() {
        try {
            if (server != null) {
                server.stop();
            }
        } catch (Exception ignored) {
            // Already failing to start; the start failure is the one worth reporting.
        }
        deleteExportDirectory();
    }

    private void deleteExportDirectory() {
        if (exportDirectory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(exportDirectory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException failure) {
            throw new UncheckedIOException("could not delete " + exportDirectory, failure);
        }
    }
}
