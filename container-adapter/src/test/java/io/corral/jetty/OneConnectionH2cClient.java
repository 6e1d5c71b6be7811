package io.corral.jetty;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;

/**
 * Jetty's HTTP/2 client by prior knowledge (h2c) limited to one connection per server, whose streams it multiplexes:
 * what the tests of one connection's many streams (channel reuse, a slow stream among fast ones) drive.
 */
final class OneConnectionH2cClient {

    private OneConnectionH2cClient() {
    }

    /** A started client; the test stops it. */
    static HttpClient start() throws Exception {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.setMaxConnectionsPerDestination(1);
        client.start();
        return client;
    }
}
