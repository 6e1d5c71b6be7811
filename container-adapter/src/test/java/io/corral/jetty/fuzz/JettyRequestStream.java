package io.corral.jetty.fuzz;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

/**
 * Jetty's side of the differential: its {@link HttpParser} with a {@link HttpParser.RequestHandler} that
 * records each request, stopping at every message end to note the offset and resetting the parser for
 * the next pipelined request, as Jetty's {@code HttpConnection} does.
 */
final class JettyRequestStream implements HttpParser.RequestHandler {

    private String method;
    private String target;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean complete;
    private boolean closes;
    private int status;
    private String reason = "";

    private JettyRequestStream() {}

    static ParsedStream parse(byte[] input, int maxHeaderBytes, HttpCompliance compliance) {
        JettyRequestStream handler = new JettyRequestStream();
        HttpParser parser = new HttpParser(handler, maxHeaderBytes, compliance);
        ByteBuffer buffer = ByteBuffer.wrap(input);
        List<ParsedStream.Request> requests = new ArrayList<>();
        // Every parseNext consumes bytes, completes a message or fails: bounded by the input size.
        for (int rounds = 0; rounds <= 2 * input.length + 2; rounds++) {
            int before = buffer.position();
            parser.parseNext(buffer);
            if (handler.status != 0) {
                return new ParsedStream(requests, ParsedStream.Ending.REFUSED, handler.status, handler.reason);
            }
            if (handler.complete) {
                requests.add(new ParsedStream.Request(handler.method, handler.target,
                        handler.body.toString(ISO_8859_1), buffer.position()));
                if (handler.closes) {
                    return new ParsedStream(requests, ParsedStream.Ending.CLOSED, 0, "");
                }
                handler.startOver();
                parser.reset();
                continue;
            }
            if (!buffer.hasRemaining() || buffer.position() == before) {
                boolean inside = !parser.isStart() && !parser.isIdle();
                return new ParsedStream(requests, inside ? ParsedStream.Ending.INCOMPLETE : ParsedStream.Ending.END,
                        0, "");
            }
        }
        throw new AssertionError("Jetty's parser made no progress");
    }

    private void startOver() {
        method = null;
        target = null;
        body.reset();
        complete = false;
        closes = false;
    }

    @Override
    public void startRequest(String method, String uri, HttpVersion version) {
        this.method = method;
        this.target = uri;
        this.closes = version != HttpVersion.HTTP_1_1;
    }

    @Override
    public void parsedHeader(HttpField field) {
        if (field.getHeader() != null) {
            switch (field.getHeader()) {
                case CONNECTION -> {
                    String value = field.getValue().toLowerCase(java.util.Locale.ROOT);
                    if (value.contains("close")) {
                        closes = true;
                    } else if (value.contains("keep-alive")) {
                        closes = false;
                    }
                }
                case UPGRADE -> closes = true;
                default -> { }
            }
        }
    }

    @Override
    public boolean headerComplete() {
        if ("CONNECT".equals(method)) {
            closes = true;
        }
        return false;
    }

    @Override
    public boolean content(ByteBuffer item) {
        byte[] bytes = new byte[item.remaining()];
        item.get(bytes);
        body.write(bytes, 0, bytes.length);
        return false;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        complete = true;
        return true;
    }

    @Override
    public void earlyEOF() {
        // Called instead of badMessage when the parser fails inside a body.
        status = 400;
        reason = "bad body (earlyEOF)";
    }

    @Override
    public void badMessage(HttpException failure) {
        status = failure.getCode();
        reason = failure.getReason();
    }
}
