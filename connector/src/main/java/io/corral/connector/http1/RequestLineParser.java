package io.corral.connector.http1;

import io.corral.connector.stream.HttpVersion;
import io.corral.connector.stream.RequestTargetForm;

import static io.corral.connector.http1.CharClass.CR;
import static io.corral.connector.http1.CharClass.LF;
import static io.corral.connector.http1.CharClass.SP;
import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Incremental parser of one request line, {@code method SP request-target SP HTTP-version} (RFC 9112 §3),
 * byte by byte. It validates each byte as it arrives, so a bad method, target or version is refused
 * without waiting for the line's end, and a too-long target gets its 414 as soon as it passes the limit.
 * The line is parsed in place in the caller's array; only a line cut by a read is kept aside.
 */
final class RequestLineParser {

    private static final int METHOD = 0;
    private static final int TARGET = 1;
    private static final int VERSION = 2;
    private static final int VERSION_CR = 3;
    private static final int DONE = 4;

    /** {@code HTTP/d.d}: the only shape of HTTP-version (RFC 9112 §2.3). */
    private static final int VERSION_LENGTH = 8;
    private static final byte[] VERSION_PREFIX = {'H', 'T', 'T', 'P', '/'};

    private final int maxTargetLength;
    private final LineAccumulator pending;

    private int state = METHOD;
    // Offsets within the line, so that they stay right whether the line is parsed in place or from pending.
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int versionLength;
    private int major;
    private int minor;

    private String method;
    private String target;
    private RequestTargetForm targetForm;
    private HttpVersion version;

    RequestLineParser(int maxTargetLength, LineAccumulator pending) {
        this.maxTargetLength = maxTargetLength;
        this.pending = pending;
    }

    void start() {
        state = METHOD;
        versionLength = 0;
        pending.clear();
        method = null;
        target = null;
        targetForm = null;
        version = null;
    }

    boolean isComplete() {
        return state == DONE;
    }

    /** Whether the bytes seen so far end inside the request-target: a size limit hit there earns 414. */
    boolean isInTarget() {
        return state == TARGET;
    }

    String method() {
        return method;
    }

    String target() {
        return target;
    }

    RequestTargetForm targetForm() {
        return targetForm;
    }

    HttpVersion version() {
        return version;
    }

    /**
     * Parses bytes {@code from..to} of {@code bytes}, which continue the line started by {@link #start()}.
     *
     * @return the index after the last byte used: after the line's LF once complete, else {@code to}
     */
    int parse(byte[] bytes, int from, int to) throws HttpParseException {
        // lineStart may be negative: it is where the line would begin had it all arrived in this array.
        int lineStart = from - pending.length();
        int i = from;
        while (i < to && state != DONE) {
            switch (state) {
                case METHOD -> i = parseMethod(bytes, i, to, lineStart);
                case TARGET -> i = parseTarget(bytes, i, to, lineStart);
                case VERSION -> i = parseVersion(bytes, i, to);
                case VERSION_CR -> {
                    if (bytes[i] != LF) {
                        throw badRequest("CR not followed by LF at the end of the request line");
                    }
                    i++;
                    state = DONE;
                }
                default -> throw new IllegalStateException("state " + state);
            }
        }
        if (state == DONE) {
            finish(bytes, from, i, lineStart);
        } else {
            pending.append(bytes, from, to);
        }
        return i;
    }

    private int parseMethod(byte[] bytes, int i, int to, int lineStart) throws HttpParseException {
        for (; i < to; i++) {
            int c = bytes[i] & 0xFF;
            if (CharClass.isTchar(c)) {
                continue;
            }
            if (c == SP && i > lineStart) {
                methodEnd = i - lineStart;
                targetStart = methodEnd + 1;
                state = TARGET;
                return i + 1;
            }
            if (i == lineStart) {
                throw badRequest("request line starts with " + CharClass.describe(c) + ", not a method");
            }
            throw badRequest("invalid character " + CharClass.describe(c) + " in method");
        }
        return i;
    }

    private int parseTarget(byte[] bytes, int i, int to, int lineStart) throws HttpParseException {
        // Index at which the target would become one byte longer than allowed.
        int tooLongAt = lineStart + targetStart + maxTargetLength;
        for (; i < to; i++) {
            int c = bytes[i] & 0xFF;
            if (CharClass.isVchar(c)) {
                if (i >= tooLongAt) {
                    throw new HttpParseException(414, "request-target longer than " + maxTargetLength + " bytes");
                }
                continue;
            }
            int position = i - lineStart;
            if (c == SP) {
                if (position == targetStart) {
                    throw badRequest("empty request-target (two spaces after the method)");
                }
                targetEnd = position;
                state = VERSION;
                return i + 1;
            }
            if (c == CR || c == LF) {
                throw badRequest(position == targetStart ? "request line has no request-target"
                        : "request line has no HTTP version");
            }
            throw badRequest("invalid character " + CharClass.describe(c) + " in request-target at offset "
                    + (position - targetStart));
        }
        return i;
    }

    private int parseVersion(byte[] bytes, int i, int to) throws HttpParseException {
        for (; i < to; i++) {
            int c = bytes[i] & 0xFF;
            int at = versionLength;
            if (at == VERSION_LENGTH) {
                if (c == CR) {
                    state = VERSION_CR;
                    return i + 1;
                }
                if (c == LF) {
                    state = DONE;   // a bare LF ends a line too (RFC 9112 §2.2)
                    return i + 1;
                }
                throw badRequest("malformed HTTP version: " + CharClass.describe(c) + " after HTTP/d.d");
            }
            boolean fits;
            if (at < VERSION_PREFIX.length) {
                fits = c == VERSION_PREFIX[at];
            } else if (at == 5) {
                fits = CharClass.isDigit(c);
                major = c - '0';
            } else if (at == 6) {
                fits = c == '.';
            } else {
                fits = CharClass.isDigit(c);
                minor = c - '0';
            }
            if (!fits) {
                throw badRequest("malformed HTTP version: " + CharClass.describe(c) + " at offset " + at
                        + ", expected HTTP/d.d");
            }
            versionLength++;
        }
        return i;
    }

    private void finish(byte[] bytes, int from, int end, int lineStart) throws HttpParseException {
        byte[] line;
        int base;
        if (pending.isEmpty()) {
            line = bytes;
            base = lineStart;
        } else {
            pending.append(bytes, from, end);
            line = pending.bytes();
            base = 0;
        }
        if (major != 1) {
            throw new HttpParseException(505, "HTTP version " + major + "." + minor + " not supported");
        }
        // RFC 9110 §2.5: a 1.x message with a higher minor than ours is handled as the highest 1.x we speak.
        version = minor == 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        method = KnownTokens.method(line, base, methodEnd);
        int targetLength = targetEnd - targetStart;
        targetForm = TargetForms.classify(line, base + targetStart, targetLength, method);
        target = targetLength == 1 && line[base + targetStart] == '/'
                ? "/" : new String(line, base + targetStart, targetLength, ISO_8859_1);
        pending.clear();
    }

    private static HttpParseException badRequest(String message) {
        return new HttpParseException(400, message + " (line 1)");
    }
}
