package io.corral.bench.sidebyside;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.http2.CleartextProtocol;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.listener.Protocol;
import io.corral.connector.stream.HttpExchange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The raw engine for the nginx comparison: Corral's {@link Listener} and {@link Http1Protocol} with a
 * native handler and no Jetty, answering {@code GET /plaintext} with the war-sample's exact response
 * ({@code 200}, {@code Content-Type: text/plain}, {@code Hello, World!}), {@code POST /echo} with its body (as the
 * war-sample's echo servlet) and anything else with 404.
 *
 * <p>Arguments: {@code <port> [h2c]}; with {@code h2c} it serves HTTP/2 by prior knowledge beside HTTP/1.1 on the same
 * port ({@code CleartextProtocol}), for the h2load scenarios. Runs until the process is stopped.
 */
public final class NativePlaintextServer {

    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private NativePlaintextServer() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int port = Integer.parseInt(args[0]);
        boolean h2c = args.length > 1 && args[1].equals("h2c");
        Http1Protocol http1 = new Http1Protocol(Http1Config.DEFAULTS, NativePlaintextServer::handle);
        // h2c: HTTP/2 by prior knowledge beside HTTP/1.1 on one port, as ServerConnector with h2c serves it, and the
        // same stream limit as the Jetty server it is compared with.
        Protocol protocol = h2c ? new CleartextProtocol(http1, Http2Config.DEFAULTS.withMaxConcurrentStreams(
                BenchServer.H2C_MAX_CONCURRENT_STREAMS), NativePlaintextServer::handle) : http1;
        Listener listener = new Listener(ListenerConfig.defaults()
                .withAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .withName(h2c ? "raw-h2c" : "raw-plaintext"), protocol);
        listener.start();
        Runtime.getRuntime().addShutdownHook(new Thread(listener::stop));
        System.out.println("raw engine on 127.0.0.1:" + listener.localPort());
        new CountDownLatch(1).await();
    }

    private static void handle(HttpExchange exchange) throws Exception {
        if (exchange.request().target().equals("/echo") && exchange.request().method().equals("POST")) {
            echo(exchange);
            return;
        }
        if (!exchange.request().target().equals("/plaintext")) {
            exchange.response().status(404).end();
            return;
        }
        exchange.response().status(200).headers().set("Content-Type", "text/plain");
        exchange.response().write(ByteBuffer.wrap(BODY), true);
    }

    /** What the war-sample's {@code EchoServlet} does: the body back, with the request's content type. */
    private static void echo(HttpExchange exchange) throws Exception {
        byte[] body = exchange.body().asInputStream().readAllBytes();
        String contentType = exchange.request().headers().get("Content-Type");
        exchange.response().status(200);
        if (contentType != null) {
            exchange.response().headers().set("Content-Type", contentType);
        }
        exchange.response().write(ByteBuffer.wrap(body), true);
    }
}
