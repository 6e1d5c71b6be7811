package io.corral.connector.http1;

import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpResponse;
import io.corral.connector.stream.HttpVersion;
import io.corral.connector.stream.RequestHead;
import io.corral.connector.stream.ResponseOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The response of one exchange and its framing. On commit it picks how the client will find the end of
 * the body (RFC 9112 §6.3): no body for HEAD, 1xx, 204 and 304; the handler's Content-Length, enforced;
 * the length of a body written in one go; chunked for HTTP/1.1; the connection's close for HTTP/1.0. It
 * writes {@code Transfer-Encoding} and {@code Connection} itself, so nothing a handler sets can break the
 * framing of the next response on the connection.
 */
final class Http1Response implements HttpResponse {

    private enum Framing { NONE, LENGTH, CHUNKED, CLOSE }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Http1Exchange exchange;
    private final ResponseWriter writer;
    private final HttpHeaders headers = new HttpHeaders();

    private int status = 200;
    private String reason;
    private Supplier<HttpHeaders> trailers;
    private boolean committed;
    private boolean complete;
    private boolean persistent;
    private Framing framing;
    private long remaining;
    private OutputStream stream;

    Http1Response(Http1Exchange exchange, ResponseWriter writer) {
        this.exchange = exchange;
        this.writer = writer;
    }

    @Override
    public HttpResponse status(int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status);
        }
        this.status = status;
        return this;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public HttpResponse reason(String reason) {
        this.reason = reason;
        return this;
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public void trailers(Supplier<HttpHeaders> trailers) {
        this.trailers = trailers;
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    @Override
    public boolean isComplete() {
        return complete;
    }

    /** Whether the connection may carry another request after this response; valid once committed. */
    boolean isPersistent() {
        return persistent;
    }

    @Override
    public void write(ByteBuffer content, boolean last) throws IOException {
        if (complete) {
            if (content.hasRemaining()) {
                throw new IOException("response already complete: " + content.remaining() + " bytes more");
            }
            return;
        }
        writer.lock();
        try {
            if (!committed) {
                commit(content, last);
            }
            writeBody(content, last);
            if (last) {
                complete = true;
            }
            writer.flush();
        } catch (IOException | RuntimeException e) {
            writer.discard();
            exchange.connectionBroken();
            throw e;
        } finally {
            writer.unlock();
        }
    }

    private void commit(ByteBuffer content, boolean last) throws IOException {
        committed = true;
        RequestHead request = exchange.request();
        boolean http11 = request.version() == HttpVersion.HTTP_1_1;
        framing = chooseFraming(request, content, last, http11);
        persistent = framing != Framing.CLOSE && exchange.mayKeepConnection()
                && !headers.containsToken("Connection", "close");

        writer.statusLine(status, reason != null ? reason : ReasonPhrase.of(status));
        if (exchange.config().sendDateHeader()) {
            writer.raw(DateHeader.line());
        }
        String server = exchange.config().serverHeader();
        if (server != null && !headers.contains("Server")) {
            writer.header("Server", server);
        }
        if (status == 101) {
            // A protocol switch: Upgrade and Connection are the handler's to say (RFC 9110 §7.8).
            writer.headers(headers);
        } else {
            for (HttpHeaders.Field field : headers) {
                if (!field.is("Connection") && !field.is("Transfer-Encoding") && !field.is("Keep-Alive")) {
                    writer.header(field.name(), field.value());
                }
            }
            if (framing == Framing.CHUNKED) {
                writer.header("Transfer-Encoding", "chunked");
            }
            if (!persistent) {
                writer.header("Connection", "close");
            } else if (!http11) {
                writer.header("Connection", "keep-alive");
            }
        }
        writer.endOfHead();
    }

    private Framing chooseFraming(RequestHead request, ByteBuffer content, boolean last, boolean http11)
            throws IOException {
        if (status < 200 || status == 204) {
            headers.remove("Content-Length");
            return Framing.NONE;
        }
        String declared = headers.get("Content-Length");
        if (declared != null) {
            remaining = parseContentLength(declared);
            return request.isHead() || status == 304 ? Framing.NONE : Framing.LENGTH;
        }
        if (request.isHead() || status == 304) {
            if (last && content.hasRemaining()) {
                headers.add("Content-Length", Integer.toString(content.remaining()));
            }
            return Framing.NONE;
        }
        if (last && (trailers == null || !http11)) {
            remaining = content.remaining();
            headers.add("Content-Length", Long.toString(remaining));
            return Framing.LENGTH;
        }
        return http11 ? Framing.CHUNKED : Framing.CLOSE;
    }

    private static long parseContentLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value.trim());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IOException("handler set an invalid Content-Length: " + value);
    }

    private void writeBody(ByteBuffer content, boolean last) throws IOException {
        switch (framing) {
            case NONE -> content.position(content.limit());
            case LENGTH -> {
                if (content.remaining() > remaining) {
                    throw new IOException("response body longer than its Content-Length of "
                            + headers.get("Content-Length"));
                }
                remaining -= content.remaining();
                writer.body(content);
                if (last && remaining > 0) {
                    throw new IOException("response body ended " + remaining + " bytes short of its Content-Length");
                }
            }
            case CHUNKED -> {
                writer.chunk(content);
                if (last) {
                    writer.lastChunk(trailers == null ? null : trailers.get());
                }
            }
            case CLOSE -> writer.body(content);
        }
    }

    @Override
    public void sendInformational(int status, HttpHeaders informational) throws IOException {
        if (status < 100 || status > 199 || status == 101) {
            throw new IllegalArgumentException("not an interim status: " + status);
        }
        if (committed || exchange.request().version() != HttpVersion.HTTP_1_1) {
            return; // HTTP/1.0 clients do not understand 1xx (RFC 9110 §15.2)
        }
        writer.lock();
        try {
            writer.statusLine(status, ReasonPhrase.of(status));
            if (informational != null) {
                writer.headers(informational);
            }
            writer.endOfHead();
            writer.flush();
        } catch (IOException e) {
            writer.discard();
            exchange.connectionBroken();
            throw e;
        } finally {
            writer.unlock();
        }
    }

    @Override
    public OutputStream asOutputStream() {
        if (stream == null) {
            stream = new ResponseOutputStream(this, exchange.config().outputBufferSize());
        }
        return stream;
    }

    /** Ends the response if the handler did not: what it wrote becomes the whole body. */
    void finish() throws IOException {
        if (stream != null) {
            stream.close();
        }
        if (!complete) {
            write(EMPTY, true);
        }
    }
}
