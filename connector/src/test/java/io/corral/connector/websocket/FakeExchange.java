package io.corral.connector.websocket;

import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.ConnectionUpgrade;
import io.corral.connector.stream.HttpExchange;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpResponse;
import io.corral.connector.stream.HttpVersion;
import io.corral.connector.stream.RequestBody;
import io.corral.connector.stream.RequestHead;
import io.corral.connector.stream.RequestTargetForm;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** A test-only {@link HttpExchange} that records the response and the upgrade a handler asks for. */
final class FakeExchange implements HttpExchange {

    final RequestHead request;
    final Response response = new Response();
    ConnectionUpgrade upgrade;

    FakeExchange(RequestHead request) {
        this.request = request;
    }

    /** A GET request with the given header lines ({@code "Name: value"}). */
    static FakeExchange get(HttpVersion version, String... headerLines) {
        return request("GET", version, headerLines);
    }

    static FakeExchange request(String method, HttpVersion version, String... headerLines) {
        HttpHeaders headers = new HttpHeaders();
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            headers.add(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        return new FakeExchange(new RequestHead(method, "/chat", RequestTargetForm.ORIGIN, version, headers,
                BodyFraming.NONE, true, false));
    }

    @Override
    public RequestHead request() {
        return request;
    }

    @Override
    public RequestBody body() {
        throw new UnsupportedOperationException();
    }

    @Override
    public HttpResponse response() {
        return response;
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 8080);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public long connectionId() {
        return 1;
    }

    @Override
    public int requestNumber() {
        return 1;
    }

    @Override
    public void upgrade(ConnectionUpgrade upgrade) {
        this.upgrade = upgrade;
    }

    @Override
    public void setIdleTimeout(java.time.Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void abort(Throwable cause) {
        throw new UnsupportedOperationException();
    }

    /** Records status, headers and body; "commits" on the first write. */
    static final class Response implements HttpResponse {
        int status = 200;
        final HttpHeaders headers = new HttpHeaders();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean committed, complete;

        @Override
        public HttpResponse status(int status) {
            this.status = status;
            return this;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public HttpResponse reason(String reason) {
            return this;
        }

        @Override
        public HttpHeaders headers() {
            return headers;
        }

        @Override
        public void write(ByteBuffer content, boolean last) {
            committed = true;
            byte[] bytes = new byte[content.remaining()];
            content.get(bytes);
            body.writeBytes(bytes);
            complete |= last;
        }

        @Override
        public OutputStream asOutputStream() {
            return body;
        }

        @Override
        public void sendInformational(int status, HttpHeaders headers) {}

        @Override
        public void trailers(Supplier<HttpHeaders> trailers) {}

        @Override
        public boolean isCommitted() {
            return committed;
        }

        @Override
        public boolean isComplete() {
            return complete;
        }

        String bodyText() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }
}
