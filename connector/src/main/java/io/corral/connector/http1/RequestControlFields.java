package io.corral.connector.http1;

import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.HostField;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpVersion;
import io.corral.connector.stream.RequestHead;
import io.corral.connector.stream.RequestTargetForm;

/**
 * Reads, while the header section is parsed, the few fields that decide how the request is framed and
 * what happens to the connection — Host (count and syntax), Content-Length, Transfer-Encoding, Connection
 * and Expect — and applies RFC 9112's rules to them. The rules that close request-smuggling doors are
 * strict on purpose: Content-Length together with Transfer-Encoding, differing Content-Lengths, or a
 * Transfer-Encoding whose last coding is not chunked are all refused rather than guessed at (RFC 9112 §6.1,
 * §6.3).
 */
final class RequestControlFields {

    private static final String CHUNKED = "chunked";
    private static final String CLOSE = "close";
    private static final String KEEP_ALIVE = "keep-alive";
    private static final String CONTINUE = "100-continue";

    private HttpVersion version;
    private int hostCount;
    private long contentLength;
    private boolean transferEncoding;
    private boolean chunkedSeen;
    private boolean lastCodingChunked;
    private boolean unsupportedCoding;
    private boolean closeRequested;
    private boolean keepAliveRequested;
    private boolean expectContinue;

    void start(HttpVersion version) {
        this.version = version;
        hostCount = 0;
        contentLength = -1;
        transferEncoding = false;
        chunkedSeen = false;
        lastCodingChunked = false;
        unsupportedCoding = false;
        closeRequested = false;
        keepAliveRequested = false;
        expectContinue = false;
    }

    void onField(String name, String value, int line) throws HttpParseException {
        // Switch on the length first: most fields are none of these and cost one comparison.
        switch (name.length()) {
            case 4 -> {
                if (name.equalsIgnoreCase("Host")) {
                    if (++hostCount > 1) {
                        throw badRequest("more than one Host field", line);
                    }
                    if (!HostField.isValid(value)) {
                        throw badRequest("invalid Host field value", line);   // RFC 9112 §3.2
                    }
                }
            }
            case 6 -> {
                if (name.equalsIgnoreCase("Expect")) {
                    onExpect(value, line);
                }
            }
            case 10 -> {
                if (name.equalsIgnoreCase("Connection")) {
                    closeRequested |= HttpHeaders.listContains(value, CLOSE);
                    keepAliveRequested |= HttpHeaders.listContains(value, KEEP_ALIVE);
                }
            }
            case 14 -> {
                if (name.equalsIgnoreCase("Content-Length")) {
                    onContentLength(value, line);
                }
            }
            case 17 -> {
                if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    onTransferEncoding(value, line);
                }
            }
            default -> { }
        }
    }

    /** Applies the rules that need the whole section, and builds the head. */
    RequestHead complete(String method, String target, RequestTargetForm targetForm, HttpHeaders headers,
            Http1Limits limits) throws HttpParseException {
        if (version == HttpVersion.HTTP_1_1 && hostCount == 0) {
            throw new HttpParseException(400, "HTTP/1.1 request without a Host field");   // RFC 9112 §3.2
        }
        BodyFraming framing;
        if (transferEncoding) {
            if (!lastCodingChunked) {
                // RFC 9112 §6.3: the length of such a request cannot be determined reliably.
                throw new HttpParseException(400, "Transfer-Encoding does not end with chunked");
            }
            if (unsupportedCoding) {
                throw new HttpParseException(501, "Transfer-Encoding has a coding other than chunked");
            }
            framing = BodyFraming.CHUNKED;
        } else if (contentLength > 0) {
            if (limits.bodyExceedsLimit(contentLength)) {
                throw new HttpParseException(413, "Content-Length " + contentLength + " exceeds the limit of "
                        + limits.maxBodySize() + " bytes");
            }
            framing = new BodyFraming.Length(contentLength);
        } else {
            framing = BodyFraming.NONE;   // no body, or Content-Length: 0
        }
        boolean keepAlive = version == HttpVersion.HTTP_1_1 ? !closeRequested : keepAliveRequested && !closeRequested;
        return new RequestHead(method, target, targetForm, version, headers, framing, keepAlive, expectContinue);
    }

    private void onContentLength(String value, int line) throws HttpParseException {
        if (transferEncoding) {
            throw bothFramings(line);
        }
        long length = parseContentLength(value, line);
        if (contentLength >= 0 && contentLength != length) {
            throw badRequest("Content-Length fields with different values", line);
        }
        contentLength = length;
    }

    /**
     * {@code 1*DIGIT}, or a list of identical ones ({@code 5, 5}), which RFC 9110 §8.6 lets a recipient
     * take as one value. Signs, inner spaces, empty elements and values past {@code Long.MAX_VALUE} are
     * refused.
     */
    private static long parseContentLength(String value, int line) throws HttpParseException {
        long result = -1;
        int length = value.length();
        int i = 0;
        while (true) {
            long element = 0;
            int digits = 0;
            for (; i < length; i++) {
                int d = value.charAt(i) - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                if (element > (Long.MAX_VALUE - d) / 10) {
                    throw badRequest("Content-Length too large", line);
                }
                element = element * 10 + d;
                digits++;
            }
            if (digits == 0) {
                throw badRequest("Content-Length is not a number", line);
            }
            if (result >= 0 && result != element) {
                throw badRequest("Content-Length lists different values", line);
            }
            result = element;
            while (i < length && CharClass.isWhitespace(value.charAt(i))) i++;
            if (i == length) {
                return result;
            }
            if (value.charAt(i) != ',') {
                throw badRequest("Content-Length is not a number", line);
            }
            i++;
            while (i < length && CharClass.isWhitespace(value.charAt(i))) i++;
        }
    }

    private void onTransferEncoding(String value, int line) throws HttpParseException {
        if (version == HttpVersion.HTTP_1_0) {
            // RFC 9112 §6.1: an HTTP/1.0 hop could not have framed it; treat it as faulty framing.
            throw badRequest("Transfer-Encoding in an HTTP/1.0 request", line);
        }
        if (contentLength >= 0) {
            throw bothFramings(line);
        }
        transferEncoding = true;
        int length = value.length();
        int codings = 0;
        for (int start = 0; start <= length; ) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            int from = start, to = end;
            while (from < to && CharClass.isWhitespace(value.charAt(from))) from++;
            while (to > from && CharClass.isWhitespace(value.charAt(to - 1))) to--;
            if (from < to) {   // RFC 9110 §5.6.1: empty list elements do not count
                onTransferCoding(value, from, to, line);
                codings++;
            }
            start = end + 1;
        }
        if (codings == 0) {
            throw badRequest("empty Transfer-Encoding", line);
        }
    }

    private void onTransferCoding(String value, int from, int to, int line) throws HttpParseException {
        int nameEnd = from;
        while (nameEnd < to && CharClass.isTchar(value.charAt(nameEnd))) nameEnd++;
        if (nameEnd == from) {
            throw badRequest("invalid transfer coding", line);
        }
        boolean hasParameters = nameEnd < to;
        if (hasParameters) {
            int semicolon = nameEnd;
            while (CharClass.isWhitespace(value.charAt(semicolon))) semicolon++;   // stops before `to`: trimmed
            if (value.charAt(semicolon) != ';') {
                throw badRequest("invalid transfer coding", line);
            }
        }
        if (nameEnd - from == CHUNKED.length() && value.regionMatches(true, from, CHUNKED, 0, CHUNKED.length())) {
            if (chunkedSeen) {
                // RFC 9112 §6.1: chunked must not be applied more than once.
                throw badRequest("chunked appears more than once in Transfer-Encoding", line);
            }
            if (hasParameters) {
                throw badRequest("chunked takes no parameters", line);
            }
            chunkedSeen = true;
            lastCodingChunked = true;
        } else {
            lastCodingChunked = false;
            unsupportedCoding = true;
        }
    }

    private void onExpect(String value, int line) throws HttpParseException {
        if (version == HttpVersion.HTTP_1_0) {
            return;   // RFC 9110 §10.1.1: a 100-continue expectation in HTTP/1.0 must be ignored
        }
        int length = value.length();
        for (int start = 0; start <= length; ) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            int from = start, to = end;
            while (from < to && CharClass.isWhitespace(value.charAt(from))) from++;
            while (to > from && CharClass.isWhitespace(value.charAt(to - 1))) to--;
            if (from < to) {
                if (to - from == CONTINUE.length() && value.regionMatches(true, from, CONTINUE, 0, CONTINUE.length())) {
                    expectContinue = true;
                } else {
                    // RFC 9110 §10.1.1 allows 417 for an expectation the server does not know; we take it,
                    // rather than ignore an expectation the client may depend on.
                    throw new HttpParseException(417, "unsupported expectation in Expect at line " + line);
                }
            }
            start = end + 1;
        }
    }

    private static HttpParseException bothFramings(int line) {
        return badRequest("Content-Length and Transfer-Encoding both present", line);
    }

    private static HttpParseException badRequest(String message, int line) {
        return new HttpParseException(400, message + " at line " + line);
    }
}
