package io.corral.connector.http1;

import io.corral.connector.stream.HttpHeaders;
import java.nio.ByteBuffer;

import static io.corral.connector.http1.CharClass.CR;
import static io.corral.connector.http1.CharClass.HTAB;
import static io.corral.connector.http1.CharClass.LF;
import static io.corral.connector.http1.CharClass.SP;

/**
 * Decoder of the chunked transfer coding (RFC 9112 §7.1): chunk-size lines with optional extensions,
 * chunk data handed out as slices of the input, the last chunk, then the trailer section (§7.1.2), parsed
 * with the header rules and limits. Framing lines must end in CRLF here, bare LF is refused: this is
 * where a lenient reading most easily differs from a proxy's and lets a request be smuggled. The
 * extensions are checked against their grammar and ignored.
 */
final class ChunkedBodyDecoder implements BodyDecoder {

    /** 16 hex digits already exceed what a long holds; more is refused instead of being summed. */
    static final int MAX_CHUNK_SIZE_DIGITS = 16;
    /** Extensions are meaningless to us; a client sending more than this on one chunk line is abusing them. */
    static final int MAX_CHUNK_EXTENSIONS_LENGTH = 1024;
    private static final int DIRECT_COPY_SIZE = 512;

    private static final int SIZE_START = 0;
    private static final int SIZE = 1;
    private static final int WHITESPACE_BEFORE_SEMICOLON = 2;
    private static final int EXTENSION_NAME_START = 3;
    private static final int EXTENSION_NAME = 4;
    private static final int WHITESPACE_AFTER_EXTENSION_NAME = 5;
    private static final int EXTENSION_VALUE_START = 6;
    private static final int EXTENSION_TOKEN_VALUE = 7;
    private static final int EXTENSION_QUOTED_VALUE = 8;
    private static final int EXTENSION_QUOTED_PAIR = 9;
    private static final int AFTER_QUOTED_VALUE = 10;
    private static final int SIZE_LINE_LF = 11;
    private static final int DATA = 12;
    private static final int DATA_CR = 13;
    private static final int DATA_LF = 14;
    private static final int TRAILERS = 15;
    private static final int DONE = 16;

    private final Http1Limits limits;
    private int state = SIZE_START;
    private long chunkSize;
    private int chunkSizeDigits;
    private int extensionsLength;
    private long chunkRemaining;
    private long contentLength;
    /** A framing error found after content was decoded in the same call; thrown on the next call. */
    private HttpParseException deferredFailure;

    private FieldSectionParser trailerParser;
    private HttpHeaders trailerFields;
    private int trailerBytes;
    private byte[] directCopy;

    ChunkedBodyDecoder(Http1Limits limits) {
        this.limits = limits;
    }

    @Override
    public ByteBuffer decode(ByteBuffer input) throws HttpParseException {
        if (deferredFailure != null) {
            throw deferredFailure;
        }
        ByteBuffer content = NoBodyDecoder.NO_CONTENT;
        try {
            while (state != DONE && input.hasRemaining()) {
                if (state == DATA) {
                    if (content != NoBodyDecoder.NO_CONTENT) {
                        break;   // one slice per call; the next chunk's data waits for the next call
                    }
                    content = sliceData(input);
                } else if (state == TRAILERS) {
                    decodeTrailers(input);
                } else {
                    decodeFraming(input);
                }
            }
        } catch (HttpParseException e) {
            if (content.hasRemaining()) {
                // Hand out the content that came before the bad framing; the failure follows next time.
                deferredFailure = e;
                return content;
            }
            throw e;
        }
        return content;
    }

    @Override
    public boolean isComplete() {
        return state == DONE;
    }

    @Override
    public HttpHeaders trailers() {
        return state == DONE ? trailerFields : new HttpHeaders();
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    private ByteBuffer sliceData(ByteBuffer input) {
        int count = (int) Math.min(chunkRemaining, input.remaining());
        int position = input.position();
        ByteBuffer content = input.slice(position, count);
        input.position(position + count);
        chunkRemaining -= count;
        contentLength += count;
        if (chunkRemaining == 0) {
            state = DATA_CR;
        }
        return content;
    }

    /** Consumes framing bytes until chunk data or the trailer section begins, or input runs out. */
    private void decodeFraming(ByteBuffer input) throws HttpParseException {
        int i = input.position();
        int limit = input.limit();
        try {
            while (i < limit && state != DATA && state != TRAILERS) {
                int c = input.get(i++) & 0xFF;
                if (state >= WHITESPACE_BEFORE_SEMICOLON && state <= AFTER_QUOTED_VALUE
                        && ++extensionsLength > MAX_CHUNK_EXTENSIONS_LENGTH) {
                    throw badFraming("chunk extensions longer than " + MAX_CHUNK_EXTENSIONS_LENGTH + " bytes");
                }
                switch (state) {
                    case SIZE_START -> {
                        if (CharClass.hexValue(c) < 0) {
                            throw badFraming("chunk size expected, found " + CharClass.describe(c));
                        }
                        chunkSize = 0;
                        chunkSizeDigits = 0;
                        extensionsLength = 0;
                        state = SIZE;
                        onSizeByte(c);
                    }
                    case SIZE -> onSizeByte(c);
                    case WHITESPACE_BEFORE_SEMICOLON -> {
                        if (c == ';') {
                            state = EXTENSION_NAME_START;
                        } else if (!isWhitespace(c)) {
                            throw badExtension(c);
                        }
                    }
                    case EXTENSION_NAME_START -> {
                        if (CharClass.isTchar(c)) {
                            state = EXTENSION_NAME;
                        } else if (!isWhitespace(c)) {
                            throw badExtension(c);
                        }
                    }
                    case EXTENSION_NAME -> {
                        if (CharClass.isTchar(c)) {
                            continue;
                        }
                        state = switch (c) {
                            case SP, HTAB -> WHITESPACE_AFTER_EXTENSION_NAME;
                            case '=' -> EXTENSION_VALUE_START;
                            case ';' -> EXTENSION_NAME_START;
                            case CR -> SIZE_LINE_LF;
                            default -> throw badExtension(c);
                        };
                    }
                    case WHITESPACE_AFTER_EXTENSION_NAME -> {
                        state = switch (c) {
                            case SP, HTAB -> WHITESPACE_AFTER_EXTENSION_NAME;
                            case '=' -> EXTENSION_VALUE_START;
                            case ';' -> EXTENSION_NAME_START;
                            default -> throw badExtension(c);
                        };
                    }
                    case EXTENSION_VALUE_START -> {
                        if (c == '"') {
                            state = EXTENSION_QUOTED_VALUE;
                        } else if (CharClass.isTchar(c)) {
                            state = EXTENSION_TOKEN_VALUE;
                        } else if (!isWhitespace(c)) {
                            throw badExtension(c);
                        }
                    }
                    case EXTENSION_TOKEN_VALUE -> {
                        if (CharClass.isTchar(c)) {
                            continue;
                        }
                        state = switch (c) {
                            case SP, HTAB -> WHITESPACE_BEFORE_SEMICOLON;
                            case ';' -> EXTENSION_NAME_START;
                            case CR -> SIZE_LINE_LF;
                            default -> throw badExtension(c);
                        };
                    }
                    case EXTENSION_QUOTED_VALUE -> {
                        if (c == '"') {
                            state = AFTER_QUOTED_VALUE;
                        } else if (c == '\\') {
                            state = EXTENSION_QUOTED_PAIR;
                        } else if (!CharClass.isQdtext(c)) {
                            // CR and LF inside quotes included: a line end never hides in a quoted string.
                            throw badExtension(c);
                        }
                    }
                    case EXTENSION_QUOTED_PAIR -> {
                        if (!CharClass.isFieldVchar(c) && !isWhitespace(c)) {
                            throw badExtension(c);
                        }
                        state = EXTENSION_QUOTED_VALUE;
                    }
                    case AFTER_QUOTED_VALUE -> {
                        state = switch (c) {
                            case SP, HTAB -> WHITESPACE_BEFORE_SEMICOLON;
                            case ';' -> EXTENSION_NAME_START;
                            case CR -> SIZE_LINE_LF;
                            default -> throw badExtension(c);
                        };
                    }
                    case SIZE_LINE_LF -> {
                        if (c != LF) {
                            throw badFraming("chunk size line not ended by CRLF");
                        }
                        onSizeLineEnd();
                    }
                    case DATA_CR -> {
                        if (c != CR) {
                            throw badFraming("chunk data not followed by CRLF");
                        }
                        state = DATA_LF;
                    }
                    case DATA_LF -> {
                        if (c != LF) {
                            throw badFraming("chunk data not followed by CRLF");
                        }
                        state = SIZE_START;
                    }
                    default -> throw new IllegalStateException("state " + state);
                }
            }
        } finally {
            input.position(i);
        }
    }

    private void onSizeByte(int c) throws HttpParseException {
        int digit = CharClass.hexValue(c);
        if (digit >= 0) {
            if (++chunkSizeDigits > MAX_CHUNK_SIZE_DIGITS || chunkSize > (Long.MAX_VALUE >>> 4)) {
                throw badFraming("chunk size has too many digits");
            }
            chunkSize = (chunkSize << 4) | digit;
            // Content delivered so far never exceeds the limit, so this subtraction cannot overflow.
            if (limits.maxBodySize() >= 0 && chunkSize > limits.maxBodySize() - contentLength) {
                throw new HttpParseException(413, "chunked body exceeds the limit of " + limits.maxBodySize()
                        + " bytes");
            }
            return;
        }
        state = switch (c) {
            case ';' -> EXTENSION_NAME_START;
            case SP, HTAB -> WHITESPACE_BEFORE_SEMICOLON;
            case CR -> SIZE_LINE_LF;
            default -> throw badFraming("invalid character " + CharClass.describe(c) + " in chunk size");
        };
    }

    private void onSizeLineEnd() throws HttpParseException {
        if (chunkSize == 0) {
            trailerFields = new HttpHeaders();
            trailerParser = new FieldSectionParser(limits.maxHeaderCount(), false, "trailer",
                    new LineAccumulator());
            trailerParser.start(trailerFields, null, 1);
            state = TRAILERS;
            return;
        }
        if (chunkSize > Long.MAX_VALUE - contentLength) {
            throw badFraming("chunked body length overflows");
        }
        chunkRemaining = chunkSize;
        state = DATA;
    }

    private void decodeTrailers(ByteBuffer input) throws HttpParseException {
        if (input.hasArray()) {
            int offset = input.arrayOffset();
            int end = parseTrailers(input.array(), offset + input.position(), offset + input.limit());
            input.position(end - offset);
            return;
        }
        while (state == TRAILERS && input.hasRemaining()) {
            if (directCopy == null) {
                directCopy = new byte[DIRECT_COPY_SIZE];
            }
            int position = input.position();
            int count = Math.min(input.remaining(), directCopy.length);
            input.get(position, directCopy, 0, count);
            input.position(position + parseTrailers(directCopy, 0, count));
        }
    }

    private int parseTrailers(byte[] bytes, int from, int to) throws HttpParseException {
        int budget = limits.maxHeaderSectionSize() - trailerBytes;
        int end = to - from > budget ? from + budget : to;
        int i = trailerParser.parse(bytes, from, end);
        trailerBytes += i - from;
        if (trailerParser.isComplete()) {
            state = DONE;
            trailerParser = null;
        } else if (end < to) {
            throw new HttpParseException(431, "trailer section larger than " + limits.maxHeaderSectionSize()
                    + " bytes");
        }
        return i;
    }

    private static boolean isWhitespace(int c) {
        return c == SP || c == HTAB;
    }

    private static HttpParseException badExtension(int c) {
        return badFraming("invalid character " + CharClass.describe(c) + " in chunk extension");
    }

    private static HttpParseException badFraming(String message) {
        return new HttpParseException(400, message);
    }
}
