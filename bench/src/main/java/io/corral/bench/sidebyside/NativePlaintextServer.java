package io.corral.bench.sidebyside;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.stream.HttpExchange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The raw engine for the nginx comparison: Corral's {@link Listener} and {@link Http1Protocol} with a
 * native handler and no Jetty, answering {@code GET /plaintext} with the war-sample's exact response
 * ({@code 200}, {@code Content-Type: text/plain}, {@code Hello, World!}) and anything else with 404.
 *
 * <p>Arguments: {@code <port>}. Runs until the process is stopped.
 */
public final class NativePlaintextServer {

    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private NativePlaintextServer() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int port = Integer.parseInt(args[0]);
        Http1Protocol protocol = new Http1Protocol(Http1Config.DEFAULTS, NativePlaintextServer::handle);
        Listener listener = new Listener(ListenerConfig.defaults()
                .withAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .withName("raw-plaintext"), protocol);
        listener.start();
        Runtime.getRuntime().addShutdownHook(new Thread(listener::stop));
        System.out.println("raw engine on 127.0.0.1:" + listener.localPort());
        new CountDownLatch(1).await();
    }

    private static void handle(HttpExchange exchange) throws Exception {
        if (!exchange.request().target().equals("/plaintext")) {
            exchange.response().status(404).end();
            return;
        }
        exchange.response().status(200).headers().set("Content-Type", "text/plain");
        exchange.response().write(ByteBuffer.wrap(BODY), true);
    }
}
