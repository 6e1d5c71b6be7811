package io.corral.connector.http1;

import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.RequestHead;
import java.nio.ByteBuffer;

import static io.corral.connector.http1.CharClass.CR;
import static io.corral.connector.http1.CharClass.LF;

/**
 * Corral's incremental HTTP/1.1 request-head parser (RFC 9112 §2–§6, with the field rules of RFC 9110 §5):
 * bytes go in as they are read, a {@link RequestHead} comes out once the empty line that ends the head
 * has arrived. It never reads past the head, so the body and any pipelined request stay in the caller's
 * buffer. Every limit of {@link Http1Limits} is checked while the bytes arrive — a client cannot make it
 * buffer more than the limits allow — and every malformed input ends in an {@link HttpParseException}
 * that carries the status to answer with. One parser per connection, reused for each request; not
 * thread-safe.
 *
 * <p>The header section size counts every byte from the first byte of the request line to the end of
 * the empty line, line endings included. Up to {@value #MAX_EMPTY_LINES_BEFORE_REQUEST} empty lines before
 * the request line are skipped and counted nowhere (RFC 9112 §2.2).
 */
public final class Http1Parser {

    /** Cowboy allows 5; some clients send a stray CRLF after a POST body, none send many. */
    static final int MAX_EMPTY_LINES_BEFORE_REQUEST = 8;
    /** How much of a direct (non-array) buffer is copied out at a time to be parsed. */
    private static final int DIRECT_COPY_SIZE = 1024;

    private static final int BEFORE_REQUEST_LINE = 0;
    private static final int BEFORE_REQUEST_LINE_CR = 1;
    private static final int REQUEST_LINE = 2;
    private static final int FIELDS = 3;
    private static final int DONE = 4;

    private final Http1Limits limits;
    private final RequestLineParser requestLine;
    private final FieldSectionParser fields;
    private final RequestControlFields control = new RequestControlFields();

    private int phase = BEFORE_REQUEST_LINE;
    private int emptyLines;
    /** Bytes of the head consumed so far, request line included, empty lines before it excluded. */
    private int headBytes;
    private HttpHeaders headers;
    private RequestHead completed;
    private byte[] directCopy;

    public Http1Parser(Http1Limits limits) {
        this.limits = limits;
        LineAccumulator pending = new LineAccumulator();
        this.requestLine = new RequestLineParser(limits.maxRequestTargetLength(), pending);
        this.fields = new FieldSectionParser(limits.maxHeaderCount(), true, "header", pending);
    }

    /**
     * Incremental: parses as much of one request head as {@code input} holds (position..limit), consuming
     * the bytes it used (advancing position). Returns the head once complete (position then is the first
     * body/next-request byte), or null when it needs more bytes; it keeps partial state, so the caller may
     * compact or refill the buffer and call again with the rest (one byte at a time works).
     *
     * @throws HttpParseException on bad input, with the status to answer (400, 413, 414, 417, 431, 501,
     *                            505); the parser is then unusable until {@link #reset()}, and the
     *                            connection should be closed after the error response
     */
    public RequestHead parseHead(ByteBuffer input) throws HttpParseException {
        if (phase == DONE) {
            reset();
        }
        if (input.hasArray()) {
            int offset = input.arrayOffset();
            int end = parse(input.array(), offset + input.position(), offset + input.limit());
            input.position(end - offset);
        } else {
            while (phase != DONE && input.hasRemaining()) {
                if (directCopy == null) {
                    directCopy = new byte[DIRECT_COPY_SIZE];
                }
                int position = input.position();
                int count = Math.min(input.remaining(), directCopy.length);
                input.get(position, directCopy, 0, count);
                int used = parse(directCopy, 0, count);
                input.position(position + used);
            }
        }
        RequestHead head = completed;
        completed = null;
        return head;
    }

    /** Forgets any partial head, ready for the next request on the connection. */
    public void reset() {
        phase = BEFORE_REQUEST_LINE;
        emptyLines = 0;
        headBytes = 0;
        headers = null;
        completed = null;
        requestLine.start();
    }

    /**
     * Whether some bytes of a head have been consumed but the head is not complete: a connection that
     * times out now gets a 408, one that is merely idle is closed quietly. Empty lines before a request
     * do not count as a head.
     */
    public boolean isPartial() {
        return phase == REQUEST_LINE || phase == FIELDS;
    }

    private int parse(byte[] bytes, int from, int to) throws HttpParseException {
        int i = from;
        if (phase == BEFORE_REQUEST_LINE || phase == BEFORE_REQUEST_LINE_CR) {
            i = skipEmptyLines(bytes, i, to);
            if (i == to) {
                return i;
            }
        }
        // The section may take `budget` more bytes; any byte beyond is refused before it is looked at.
        int budget = limits.maxHeaderSectionSize() - headBytes;
        int end = to - i > budget ? i + budget : to;
        int start = i;
        if (phase == REQUEST_LINE) {
            i = requestLine.parse(bytes, i, end);
            if (!requestLine.isComplete()) {
                headBytes += i - start;
                if (end < to) {
                    throw sectionTooLarge();
                }
                return i;
            }
            headers = new HttpHeaders();
            control.start(requestLine.version());
            fields.start(headers, control, 2);
            phase = FIELDS;
        }
        i = fields.parse(bytes, i, end);
        headBytes += i - start;
        if (!fields.isComplete()) {
            if (end < to) {
                throw sectionTooLarge();
            }
            return i;
        }
        completed = control.complete(requestLine.method(), requestLine.target(), requestLine.targetForm(),
                headers, limits);
        phase = DONE;
        return i;
    }

    private int skipEmptyLines(byte[] bytes, int i, int to) throws HttpParseException {
        for (; i < to; i++) {
            byte b = bytes[i];
            if (phase == BEFORE_REQUEST_LINE_CR) {
                if (b != LF) {
                    throw new HttpParseException(400, "CR not followed by LF before the request line");
                }
                phase = BEFORE_REQUEST_LINE;
                countEmptyLine();
            } else if (b == CR) {
                phase = BEFORE_REQUEST_LINE_CR;
            } else if (b == LF) {
                countEmptyLine();
            } else {
                phase = REQUEST_LINE;
                requestLine.start();
                return i;
            }
        }
        return i;
    }

    private void countEmptyLine() throws HttpParseException {
        if (++emptyLines > MAX_EMPTY_LINES_BEFORE_REQUEST) {
            throw new HttpParseException(400, "more than " + MAX_EMPTY_LINES_BEFORE_REQUEST
                    + " empty lines before the request line");
        }
    }

    private HttpParseException sectionTooLarge() {
        if (phase == REQUEST_LINE && requestLine.isInTarget()) {
            return new HttpParseException(414, "request-target does not fit in the header section limit of "
                    + limits.maxHeaderSectionSize() + " bytes");
        }
        return new HttpParseException(431, "header section larger than " + limits.maxHeaderSectionSize()
                + " bytes");
    }
}
