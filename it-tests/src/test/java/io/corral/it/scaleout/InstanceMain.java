package io.corral.it.scaleout;

import io.corral.connector.proxy.ProxyHeaderException.Failure;
import io.corral.jetty.CorralConnector;
import io.corral.jetty.demo.AnnotatedWar;
import io.corral.jetty.demo.ConnectorKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;

/**
 * One Corral instance of the scale-out test, in a JVM of its own: the war-sample on {@code CorralConnector}, on a
 * given loopback port, with the PROXY protocol required (the port only HAProxy reaches, as in production), driven
 * by one-line commands on standard input as an operator would drive it over JMX — {@code drain <ms>},
 * {@code requests}, {@code proxy}, {@code stop} — each answered by one line on standard output. {@code READY} once
 * serving.
 *
 * <p>Usage: {@code InstanceMain PORT WAR}
 */
public final class InstanceMain {

    private InstanceMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Server server = new Server();
        CorralConnector connector = (CorralConnector) ConnectorKind.CORRAL.newConnector(server, "127.0.0.1", port);
        // What jetty.corral.proxyProtocol=required does in a jetty-base: every connection must begin with a header.
        connector.setProxyProtocol("required");
        server.addConnector(connector);
        server.setHandler(AnnotatedWar.context(Path.of(args[1]), "/"));
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("READY " + connector.getLocalPort());
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command = commands.readLine(); command != null; command = commands.readLine()) {
            String[] words = command.trim().split(" ");
            switch (words[0]) {
                case "drain" -> System.out.println("DRAINED " + connector.drain(Long.parseLong(words[1])));
                case "requests" -> System.out.println("REQUESTS " + connector.getRequests());
                // Headers read, and connections refused for a header HAProxy should never send (missing, malformed,
                // too large); a check or client closing before its header is not HAProxy's fault and not counted.
                case "proxy" -> System.out.println("PROXY " + connector.getProxyHeaders() + " "
                        + (connector.getProxyHeaderFailures(Failure.MISSING)
                                + connector.getProxyHeaderFailures(Failure.MALFORMED)
                                + connector.getProxyHeaderFailures(Failure.TOO_LARGE))
                        + " " + connector.getProxyHeaderFailuresByKind().replace(' ', ','));
                case "stop" -> {
                    server.stop();
                    System.out.println("STOPPED");
                    return;
                }
                default -> System.out.println("UNKNOWN " + command);
            }
        }
        server.stop(); // the test went away: stdin closed
    }
}
