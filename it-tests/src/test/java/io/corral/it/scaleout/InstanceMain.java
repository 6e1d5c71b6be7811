package io.corral.it.scaleout;

import io.corral.jetty.CorralConnector;
import io.corral.jetty.demo.ConnectorKind;
import io.corral.jetty.demo.CorralDemo;
import io.corral.jetty.demo.DemoOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;

/**
 * One Corral instance of the scale-out test, in a JVM of its own: the war-sample served by the demo launcher on
 * {@code CorralConnector}, on a given loopback port, driven by one-line commands on standard input as an operator
 * would drive it over JMX — {@code drain <ms>}, {@code requests}, {@code stop} — each answered by one line on
 * standard output. {@code READY} once serving.
 *
 * <p>Usage: {@code InstanceMain PORT WAR}
 */
public final class InstanceMain {

    private InstanceMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Server server = CorralDemo.start(new DemoOptions("127.0.0.1", port, ConnectorKind.CORRAL, Path.of(args[1])));
        CorralConnector connector = (CorralConnector) server.getConnectors()[0];
        System.out.println("READY " + connector.getLocalPort());
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command = commands.readLine(); command != null; command = commands.readLine()) {
            String[] words = command.trim().split(" ");
            switch (words[0]) {
                case "drain" -> System.out.println("DRAINED " + connector.drain(Long.parseLong(words[1])));
                case "requests" -> System.out.println("REQUESTS " + connector.getRequests());
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
