package io.corral.jetty.fuzz;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.corral.connector.http1.BodyDecoder;
import io.corral.connector.http1.Http1Limits;
import io.corral.connector.http1.Http1Parser;
import io.corral.connector.http1.HttpParseException;
import io.corral.connector.stream.RequestHead;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Corral's side of the differential: {@link Http1Parser} and the body decoders, driven as a connection drives them. */
final class CorralRequestStream {

    private CorralRequestStream() {}

    static ParsedStream parse(byte[] input, Http1Limits limits) {
        ByteBuffer buffer = ByteBuffer.wrap(input);
        Http1Parser parser = new Http1Parser(limits);
        List<ParsedStream.Request> requests = new ArrayList<>();
        try {
            while (buffer.hasRemaining()) {
                RequestHead head = parser.parseHead(buffer);
                if (head == null) {
                    return new ParsedStream(requests, parser.isPartial()
                            ? ParsedStream.Ending.INCOMPLETE : ParsedStream.Ending.END, 0, "");
                }
                BodyDecoder decoder = BodyDecoder.of(head.framing(), limits);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                // Each call consumes input or completes: the loop ends within input.length + 1 rounds.
                for (int rounds = 0; !decoder.isComplete() && rounds <= input.length; rounds++) {
                    ByteBuffer content = decoder.decode(buffer);
                    body.write(content.array(), content.arrayOffset() + content.position(), content.remaining());
                    if (!decoder.isComplete() && !buffer.hasRemaining()) {
                        return new ParsedStream(requests, ParsedStream.Ending.INCOMPLETE, 0, "");
                    }
                }
                requests.add(new ParsedStream.Request(head.method(), head.target(), body.toString(ISO_8859_1),
                        buffer.position()));
                if (!head.keepAlive() || head.headers().contains("Upgrade") || "CONNECT".equals(head.method())) {
                    return new ParsedStream(requests, ParsedStream.Ending.CLOSED, 0, "");
                }
            }
            return new ParsedStream(requests, ParsedStream.Ending.END, 0, "");
        } catch (HttpParseException e) {
            return new ParsedStream(requests, ParsedStream.Ending.REFUSED, e.status(), e.getMessage());
        }
    }
}
