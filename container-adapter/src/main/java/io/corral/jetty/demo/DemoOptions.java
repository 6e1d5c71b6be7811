package io.corral.jetty.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The demo launcher's command line: {@code [port] [--host=HOST] [--connector=corral|jetty] [--war=PATH]
 * [--tls | --keystore=PATH [--keystore-password=PW]] [--inherit-channel]}. The host defaults to {@code 127.0.0.1} so
 * a demo never listens on a public interface by surprise; pass {@code --host=0.0.0.0} to reach it from elsewhere.
 *
 * @param host      the address to bind
 * @param port      the port to bind, 0 for an ephemeral one
 * @param connector the connector that serves the WAR
 * @param war       the WAR file or exploded directory, deployed at {@code /}
 * @param tls       HTTPS and WSS instead of HTTP and WS on the port, or null for plain HTTP
 * @param inheritChannel listen on the socket the process inherited on its standard input (systemd socket
 *                  activation) instead of binding host and port
 */
public record DemoOptions(String host, int port, ConnectorKind connector, Path war, DemoTls tls,
        boolean inheritChannel) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** The war-sample as the build leaves it, relative to the repository root (where bin/demo runs). */
    public static final Path DEFAULT_WAR = Path.of("war-sample", "target", "war-sample.war");

    public static final String USAGE = """
            usage: bin/demo [port] [--host=HOST] [--connector=corral|jetty] [--war=PATH]
                            [--tls | --keystore=PATH [--keystore-password=PASSWORD]] [--inherit-channel]
              port         port to listen on (default 8080; 0 picks a free one)
              --host       address to bind (default 127.0.0.1, i.e. this machine only)
              --connector  corral (default) or jetty, to run the same WAR on Jetty's ServerConnector
              --war        WAR file or directory to deploy at / (default war-sample/target/war-sample.war)
              --tls        HTTPS and WSS on the port, with a self-signed certificate made at start (its PEM
                           is logged, for curl --cacert)
              --keystore   HTTPS and WSS with this keystore's certificate instead (PKCS12 or JKS)
              --keystore-password  its password; or set CORRAL_KEYSTORE_PASSWORD, which keeps it off ps
              --inherit-channel  listen on the socket inherited on standard input (systemd socket activation,
                           e.g. systemd-socket-activate --inetd -l 8080 bin/demo --inherit-channel)""";

    /** Plain HTTP, binding host and port. */
    public DemoOptions(String host, int port, ConnectorKind connector, Path war) {
        this(host, port, connector, war, null, false);
    }

    /** Plain HTTP; {@code inheritChannel}: see the record. */
    public DemoOptions(String host, int port, ConnectorKind connector, Path war, boolean inheritChannel) {
        this(host, port, connector, war, null, inheritChannel);
    }

    public DemoOptions {
        if (host == null || host.isEmpty() || connector == null || war == null) {
            throw new IllegalArgumentException("host, connector and war are required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
        }
    }

    /**
     * Parses the command line.
     *
     * @throws IllegalArgumentException saying what is wrong with which argument
     */
    public static DemoOptions parse(List<String> args) {
        return parse(args, System.getenv());
    }

    /** As {@link #parse(List)}, with the environment given ({@link DemoTls#PASSWORD_VARIABLE}). */
    static DemoOptions parse(List<String> args, Map<String, String> environment) {
        String host = DEFAULT_HOST;
        boolean tls = false;
        Path keyStore = null;
        String password = environment.get(DemoTls.PASSWORD_VARIABLE);
        Integer port = null;
        ConnectorKind connector = ConnectorKind.CORRAL;
        Path war = DEFAULT_WAR;
        boolean inheritChannel = false;
        for (String arg : args) {
            if (arg.equals("--inherit-channel")) {
                inheritChannel = true;
            } else if (arg.startsWith("--host=")) {
                host = arg.substring("--host=".length());
            } else if (arg.startsWith("--connector=")) {
                connector = ConnectorKind.named(arg.substring("--connector=".length()));
            } else if (arg.startsWith("--war=")) {
                war = Path.of(arg.substring("--war=".length()));
            } else if (arg.equals("--tls")) {
                tls = true;
            } else if (arg.startsWith("--keystore=")) {
                keyStore = Path.of(arg.substring("--keystore=".length()));
            } else if (arg.startsWith("--keystore-password=")) {
                password = arg.substring("--keystore-password=".length());
            } else if (arg.startsWith("-")) {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            } else if (port != null) {
                throw new IllegalArgumentException("more than one port given: '" + port + "' and '" + arg + "'");
            } else {
                port = parsePort(arg);
            }
        }
        DemoTls https = keyStore != null ? new DemoTls(keyStore, password) : tls ? DemoTls.SELF_SIGNED : null;
        return new DemoOptions(host, port == null ? DEFAULT_PORT : port, connector, war, https, inheritChannel);
    }

    private static int parsePort(String arg) {
        try {
            return Integer.parseInt(arg);
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("port '" + arg + "' is not a number");
        }
    }
}
