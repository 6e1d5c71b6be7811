package io.corral.jetty.websocket;

import java.net.URI;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Jetty's {@link HttpClient} on HTTP/2 for its {@code WebSocketClient} (RFC 8441 extended CONNECT), without the race in
 * Jetty 12.1.8's client that loses the first frame the server sends on the tunnel.
 *
 * <p>Why: {@code HttpReceiverOverHTTP2.onResponse} opens the WebSocket session on the 200 (the endpoint's
 * {@code onOpen} runs, the test's {@code connect} returns and it sends) <em>before</em> it notifies the response
 * headers; a request with no content-source listener of its own then gets {@code ResponseListeners}' default one,
 * which reads and discards "response content" with {@code stream.readData()}. A DATA frame that reached the stream in
 * between (the echo of the first message, already) is read by it, not by the WebSocket's stream end point, and is
 * gone. Seen against {@code ServerConnector} as against Corral, one run in ten to one in three under load; Jetty's
 * debug log of {@code HttpReceiverOverHTTP2} shows it ("Read stream data … DataFrame{length:18}", the 18 octets of
 * the frame "echo-jetty:hello"), once per lost echo.
 *
 * <p>The fix here: every request gets a content-source listener, so the default one is never installed; it leaves a
 * successful tunnel's content alone (the stream end point reads it) and reads any other response to its end, as the
 * default does.
 */
final class ExtendedConnectHttpClient {

    private ExtendedConnectHttpClient() {
    }

    /** An unstarted client on h2c for a {@code WebSocketClient}. */
    static HttpClient create() {
        return create(new HTTP2Client());
    }

    /** An unstarted client on {@code http2} (h2c or, with its connector's TLS, h2) for a {@code WebSocketClient}. */
    static HttpClient create(HTTP2Client http2) {
        return new HttpClient(new HttpClientTransportOverHTTP2(http2)) {
            @Override
            public Request newRequest(URI uri) {
                return super.newRequest(uri).onResponseContentSource(ExtendedConnectHttpClient::onContentSource);
            }
        };
    }

    private static void onContentSource(Response response, Content.Source content) {
        if (!MetaData.isTunnel(response.getRequest().getMethod(), response.getStatus())) {
            consume(content);
        }
    }

    /** Reads to the end and drops, alternating read and demand as Jetty's own default does. */
    private static void consume(Content.Source content) {
        Content.Chunk chunk = content.read();
        if (chunk != null) {
            chunk.release();
        }
        if (chunk == null || !chunk.isLast()) {
            content.demand(Invocable.from(Invocable.InvocationType.NON_BLOCKING, () -> consume(content)));
        }
    }
}
