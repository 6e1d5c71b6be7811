package io.corral.connector.http1;

import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.RequestHead;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Drives {@link Http1Parser} and {@link BodyDecoder} the way a connection does — read some bytes, parse,
 * compact, read more — over raw test input, and checks that the outcome does not depend on how the
 * bytes were cut: every input is also fed in one piece, one byte at a time, split in two at every
 * position, and through a direct buffer, and all must agree.
 */
final class Http1ParserHarness {

    static final Http1Limits LIMITS = Http1Limits.DEFAULTS;
    /** Above this size, two-piece splits are tried at a sample of positions instead of all. */
    private static final int SPLIT_EVERYWHERE_UP_TO = 2048;

    /** One request as the connection saw it. */
    record Exchange(RequestHead head, String body, HttpHeaders trailers) {
        String describe() {
            return head + " body=[" + body + "] trailers=[" + trailers + "]";
        }
    }

    /**
     * Everything that happened on the input: the complete exchanges, then either the error that ended
     * it, or whether the input stopped inside a message.
     */
    record Result(List<Exchange> exchanges, HttpParseException error, String unfinished) {
        String describe() {
            StringBuilder text = new StringBuilder();
            for (Exchange exchange : exchanges) {
                text.append(exchange.describe()).append('\n');
            }
            if (error != null) {
                text.append("error ").append(error.status()).append(": ").append(error.getMessage());
            } else {
                text.append(unfinished);
            }
            return text.toString();
        }

        /** The only exchange, failing unless there is exactly one and nothing went wrong. */
        Exchange single() {
            if (error != null) {
                fail("expected a request, got " + error.status() + ": " + error.getMessage());
            }
            assertEquals(1, exchanges.size(), () -> describe());
            assertEquals("end", unfinished, () -> describe());
            return exchanges.get(0);
        }
    }

    private Http1ParserHarness() {}

    /** The lines joined by CRLF, ended by the empty line that ends a head. */
    static String request(String... lines) {
        return String.join("\r\n", lines) + "\r\n\r\n";
    }

    /** The remaining bytes of a buffer as ISO-8859-1 text, without moving its position. */
    static String text(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(buffer.position(), copy);
        return new String(copy, ISO_8859_1);
    }

    static byte[] bytes(String raw) {
        return raw.getBytes(ISO_8859_1);
    }

    /** The outcome of {@code raw}, after checking that every way of cutting it gives the same. */
    static Result run(String raw) {
        return run(bytes(raw), LIMITS);
    }

    static Result run(String raw, Http1Limits limits) {
        return run(bytes(raw), limits);
    }

    static Result run(byte[] raw, Http1Limits limits) {
        Result whole = feed(raw, limits, new int[] {raw.length}, false);
        String expected = whole.describe();
        assertEquals(expected, feed(raw, limits, everyByte(raw.length), false).describe(), "fed one byte at a time");
        assertEquals(expected, feed(raw, limits, everyByte(raw.length), true).describe(),
                "fed one byte at a time through a direct buffer");
        assertEquals(expected, feed(raw, limits, new int[] {raw.length}, true).describe(), "through a direct buffer");
        int stride = raw.length <= SPLIT_EVERYWHERE_UP_TO ? 1 : raw.length / 256;
        for (int split = 1; split < raw.length; split += stride) {
            int at = split;
            assertEquals(expected, feed(raw, limits, new int[] {split, raw.length}, false).describe(),
                    () -> "split at byte " + at);
        }
        return whole;
    }

    /** The head of the only request in {@code raw}. */
    static RequestHead head(String raw) {
        return run(raw).single().head();
    }

    static RequestHead head(String raw, Http1Limits limits) {
        return run(raw, limits).single().head();
    }

    /** The status {@code raw} is refused with. */
    static int status(String raw) {
        return status(raw, LIMITS);
    }

    static int status(String raw, Http1Limits limits) {
        Result result = run(raw, limits);
        assertNotNull(result.error(), () -> "expected an error, got:\n" + result.describe());
        return result.error().status();
    }

    static HttpParseException error(String raw, Http1Limits limits) {
        Result result = run(raw, limits);
        assertNotNull(result.error(), () -> "expected an error, got:\n" + result.describe());
        return result.error();
    }

    private static int[] everyByte(int length) {
        int[] ends = new int[length];
        for (int i = 0; i < length; i++) {
            ends[i] = i + 1;
        }
        return ends;
    }

    /**
     * Feeds {@code raw} in pieces ending at {@code pieceEnds}, parsing requests and their bodies until
     * the input is used up or an error comes. Every loop is bounded by the input size.
     */
    static Result feed(byte[] raw, Http1Limits limits, int[] pieceEnds, boolean direct) {
        // An array offset that is not zero, to catch arithmetic that forgets arrayOffset().
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(raw.length + 1)
                : ByteBuffer.wrap(new byte[raw.length + 8], 5, raw.length + 1).slice();
        buffer.flip();
        Http1Parser parser = new Http1Parser(limits);
        List<Exchange> exchanges = new ArrayList<>();
        int[] fed = {0};
        int nextPiece = 0;
        int steps = 0;
        int maxSteps = 4 * raw.length + 16;
        try {
            while (true) {
                RequestHead head = null;
                while (head == null) {
                    assertTrue(++steps < maxSteps, "no progress parsing a head");
                    int before = buffer.position();
                    head = parser.parseHead(buffer);
                    assertTrue(buffer.position() >= before, "position moved back");
                    if (head == null) {
                        assertEquals(buffer.limit(), buffer.position(), "an incomplete head must use all input");
                        if (nextPiece == pieceEnds.length) {
                            return new Result(exchanges, null,
                                    parser.isPartial() ? "input ended inside a head" : "end");
                        }
                        buffer = refill(buffer, raw, fed, pieceEnds[nextPiece++]);
                    }
                }
                assertTrue(!parser.isPartial(), "a complete head is not partial");
                BodyDecoder decoder = BodyDecoder.of(head.framing(), limits);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                while (!decoder.isComplete()) {
                    assertTrue(++steps < maxSteps, "no progress decoding a body");
                    ByteBuffer content = decoder.decode(buffer);
                    byte[] piece = new byte[content.remaining()];
                    content.get(piece);
                    body.write(piece, 0, piece.length);
                    if (piece.length == 0 && !decoder.isComplete()) {
                        assertEquals(buffer.limit(), buffer.position(), "no content yet must mean all input used");
                        if (nextPiece == pieceEnds.length) {
                            exchanges.add(new Exchange(head, body.toString(ISO_8859_1), decoder.trailers()));
                            return new Result(exchanges, null, "input ended inside a body");
                        }
                        buffer = refill(buffer, raw, fed, pieceEnds[nextPiece++]);
                    }
                }
                assertEquals(body.size(), decoder.contentLength(), "contentLength() counts what was delivered");
                int afterBody = buffer.position();
                assertEquals(0, decoder.decode(buffer).remaining(), "a complete decoder gives no content");
                assertEquals(afterBody, buffer.position(), "a complete decoder consumes nothing");
                exchanges.add(new Exchange(head, body.toString(ISO_8859_1), decoder.trailers()));
                if (!buffer.hasRemaining() && nextPiece == pieceEnds.length) {
                    return new Result(exchanges, null, "end");
                }
            }
        } catch (HttpParseException e) {
            return new Result(exchanges, e, null);
        }
    }

    /** Compacts the buffer and appends raw bytes up to {@code end}, as a connection's read would. */
    private static ByteBuffer refill(ByteBuffer buffer, byte[] raw, int[] fed, int end) {
        buffer.compact();
        buffer.put(raw, fed[0], end - fed[0]);
        fed[0] = end;
        buffer.flip();
        return buffer;
    }
}
