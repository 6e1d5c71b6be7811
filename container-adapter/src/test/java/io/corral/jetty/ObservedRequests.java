package io.corral.jetty;

import io.corral.jetty.Http2DifferentialTest.Observed;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;

/**
 * One request, sent the same way to either connector by Jetty's client or by the JDK's, and what must match of its
 * answer ({@link Observed}): the HTTP/2 differential tests' way of asking, over h2c ({@link Http2DifferentialTest}) and
 * over TLS ({@link H2OverTlsDifferentialTest}).
 */
final class ObservedRequests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ObservedRequests() {
    }

    /** {@code method} to {@code uri} on {@code server}, with {@code body} (none when null), set up by {@code setup}. */
    static Observed overJettyClient(org.eclipse.jetty.client.HttpClient client, ServletServer server, URI uri,
            String method, byte[] body, Consumer<Request> setup) throws Exception {
        Request request = client.newRequest(uri).method(method).timeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (body != null) {
            request.body(new BytesRequestContent("application/octet-stream", body));
        }
        setup.accept(request);
        return Observed.of(request.send(), server.port());
    }

    /** {@code method} to {@code uri} on {@code server}, with {@code body} (none when null); a failure names both. */
    static Observed overJdkClient(HttpClient client, ServletServer server, URI uri, String method, byte[] body)
            throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest request = HttpRequest.newBuilder(uri).method(method, publisher).timeout(TIMEOUT).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException(server.kind() + ": " + method + " " + uri, e);
        }
        return Observed.of(response, server.port());
    }

    /** A body of {@code length} octets, no run of one value: a lost or repeated window shows in its sum. */
    static byte[] patternedBody(int length) {
        byte[] body = new byte[length];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        return body;
    }
}
