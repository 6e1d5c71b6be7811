package io.corral.jetty.demo;

import io.corral.connector.listener.Listener;
import io.corral.jetty.CorralConnector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo: an embedded Jetty 12.1 server that deploys one WAR (the war-sample by default) at {@code /}
 * and serves it through Corral's connector, or through Jetty's own for comparison, over HTTP or (with
 * {@code --tls} or {@code --keystore}) HTTPS and WSS. Run it with {@code bin/demo [port]}; see {@link DemoOptions}
 * for the options.
 */
public final class CorralDemo {

    private static final Logger LOG = LoggerFactory.getLogger(CorralDemo.class);

    /**
     * The largest request body the demo accepts: 10 MiB, as a jetty-home with the corral module (see the
     * README). Larger bodies get 413, announced ones before they are sent.
     */
    public static final long MAX_BODY_SIZE = 10 * 1024 * 1024;

    private CorralDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(List.of(args));
        } catch (IllegalArgumentException badArguments) {
            System.err.println("corral demo: " + badArguments.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        start(options).join();
    }

    /**
     * Starts a server for {@code options} and returns it running; stopping it is the caller's business
     * (a JVM shutdown also stops it).
     *
     * @throws IllegalArgumentException when the WAR does not exist
     * @throws Exception                when Jetty fails to start (port in use, broken WAR)
     */
    public static Server start(DemoOptions options) throws Exception {
        if (!Files.exists(options.war())) {
            throw new IllegalArgumentException("no WAR at " + options.war().toAbsolutePath()
                    + " (build it with: ./mvnw -pl war-sample package)");
        }
        Server server = new Server();
        SslContextFactory.Server tls = options.tls() == null ? null : sslContextFactory(options);
        AbstractNetworkConnector connector = options.connector().newConnector(server, options.host(), options.port(), tls);
        if (options.inheritChannel()) {
            inheritChannel(connector);
        }
        server.addConnector(connector);
        server.setHandler(limitBodySize(connector, AnnotatedWar.context(options.war(), "/")));
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception startFailure) {
            server.stop();
            throw startFailure;
        }
        if (connector instanceof CorralConnector corral && corral.getTransport() instanceof Listener listener
                && !(listener.localAddress() instanceof InetSocketAddress)) {
            LOG.info("Corral demo serving {} on {} through the {} connector", options.war(), listener.localAddress(),
                    options.connector().optionName());
        } else {
            LOG.info("Corral demo serving {} on {}://{}:{}/ through the {} connector",
                    options.war(), tls == null ? "http" : "https", urlHost(options.host()), connector.getLocalPort(),
                    options.connector().optionName());
        }
        return server;
    }

    /** The keystore the user named, or a self-signed certificate made now (its PEM logged for clients to trust). */
    private static SslContextFactory.Server sslContextFactory(DemoOptions options) throws IOException {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        DemoTls tls = options.tls();
        if (tls.selfSigned()) {
            SelfSignedKeyStore made = SelfSignedKeyStore.create(options.host());
            factory.setKeyStorePath(made.keyStore().toString());
            factory.setKeyStorePassword(made.password());
            LOG.info("Corral demo: self-signed certificate for localhost made at start; trust it with "
                    + "curl --cacert {} (or curl -k)", made.certificate());
        } else {
            if (!Files.isReadable(tls.keyStore())) {
                throw new IllegalArgumentException("no readable keystore at " + tls.keyStore().toAbsolutePath());
            }
            factory.setKeyStorePath(tls.keyStore().toString());
            factory.setKeyStorePassword(tls.password());
        }
        return factory;
    }

    /**
     * Caps request bodies at {@link #MAX_BODY_SIZE} on either connector: Corral's engine refuses them itself,
     * Jetty's {@code ServerConnector} through its {@link SizeLimitHandler}, so the comparison stays fair.
     */
    private static Handler limitBodySize(AbstractNetworkConnector connector, Handler application) {
        if (connector instanceof CorralConnector corral) {
            corral.setMaxBodySize(MAX_BODY_SIZE);
            return application;
        }
        SizeLimitHandler limit = new SizeLimitHandler(MAX_BODY_SIZE, -1);
        limit.setHandler(application);
        return limit;
    }

    /** Both connectors take the socket the process inherited, as systemd socket activation hands it over. */
    private static void inheritChannel(AbstractNetworkConnector connector) {
        switch (connector) {
            case CorralConnector corral -> corral.setInheritChannel(true);
            case ServerConnector jetty -> jetty.setInheritChannel(true);
            default -> throw new IllegalArgumentException("cannot inherit a channel on " + connector);
        }
    }

    private static String urlHost(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
