package io.corral.connector.http1;

import io.corral.connector.stream.HttpHeaders;

import static io.corral.connector.http1.CharClass.CR;
import static io.corral.connector.http1.CharClass.HTAB;
import static io.corral.connector.http1.CharClass.LF;
import static io.corral.connector.http1.CharClass.SP;
import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Incremental parser of a field section — the header fields of a request (RFC 9112 §5) or the trailer
 * fields of a chunked body (§7.1.2) — up to and including the empty line that ends it. Each byte is
 * checked as it arrives: a name must be a token directly followed by the colon, a value may hold VCHAR,
 * obs-text, SP and HTAB only, and folded lines are refused. Leading and trailing whitespace of a value is
 * not part of it (RFC 9110 §5.5). The size of the section is bounded by the caller, which hands over no
 * more bytes than the section may still take.
 */
final class FieldSectionParser {

    private static final int LINE_START = 0;
    private static final int NAME = 1;
    private static final int VALUE_LEADING_WHITESPACE = 2;
    private static final int VALUE = 3;
    private static final int LINE_CR = 4;
    private static final int END_CR = 5;
    /** The line just ended (after its LF); the field is ready to be added. */
    private static final int LINE_END = 6;
    private static final int DONE = 7;

    private final int maxFieldCount;
    private final boolean bareLfEndsLine;
    private final String kind;
    private final LineAccumulator pending;

    private HttpHeaders fields;
    private RequestControlFields control;
    private int state = DONE;
    private int fieldCount;
    private int lineNumber;
    // Offsets within the current line.
    private int nameEnd;
    private int valueStart;
    private int valueEnd;

    /**
     * @param bareLfEndsLine whether a lone LF ends a line (RFC 9112 §2.2 lets a recipient accept it)
     * @param kind           "header" or "trailer", for error messages
     */
    FieldSectionParser(int maxFieldCount, boolean bareLfEndsLine, String kind, LineAccumulator pending) {
        this.maxFieldCount = maxFieldCount;
        this.bareLfEndsLine = bareLfEndsLine;
        this.kind = kind;
        this.pending = pending;
    }

    /**
     * @param fields          where the parsed fields go
     * @param control         told about each field that frames the message, or null (trailers)
     * @param firstLineNumber the line number of the first field line, for error messages
     */
    void start(HttpHeaders fields, RequestControlFields control, int firstLineNumber) {
        this.fields = fields;
        this.control = control;
        this.state = LINE_START;
        this.fieldCount = 0;
        this.lineNumber = firstLineNumber;
        pending.clear();
    }

    boolean isComplete() {
        return state == DONE;
    }

    /**
     * Parses bytes {@code from..to}.
     *
     * @return the index after the last byte used: after the empty line once complete, else {@code to}
     */
    int parse(byte[] bytes, int from, int to) throws HttpParseException {
        // Where the current line would begin had it all arrived in this array; may be before `from`.
        int lineStart = from - pending.length();
        int i = from;
        while (i < to) {
            switch (state) {
                case LINE_START -> {
                    int c = bytes[i] & 0xFF;
                    if (CharClass.isTchar(c)) {
                        if (fieldCount == maxFieldCount) {
                            throw new HttpParseException(431, "more than " + maxFieldCount + " " + kind
                                    + " fields at line " + lineNumber);
                        }
                        lineStart = i;
                        state = NAME;
                        i = parseName(bytes, i + 1, to, lineStart);
                    } else if (c == CR) {
                        state = END_CR;
                        i++;
                    } else if (c == LF && bareLfEndsLine) {
                        state = DONE;
                        return i + 1;
                    } else {
                        throw badLineStart(c);
                    }
                }
                case NAME -> i = parseName(bytes, i, to, lineStart);
                case VALUE_LEADING_WHITESPACE -> i = skipLeadingWhitespace(bytes, i, to, lineStart);
                case VALUE -> i = parseValue(bytes, i, to, lineStart);
                case LINE_CR -> {
                    if (bytes[i] != LF) {
                        throw badRequest("CR not followed by LF in " + kind + " field");
                    }
                    i++;
                    state = LINE_END;
                }
                case END_CR -> {
                    if (bytes[i] != LF) {
                        throw badRequest("CR not followed by LF at the end of the " + kind + " section");
                    }
                    state = DONE;
                    return i + 1;
                }
                default -> throw new IllegalStateException("state " + state);
            }
            if (state == LINE_END) {
                addField(bytes, lineStart, i);
                lineStart = i;
            }
        }
        if (state == NAME || state == VALUE_LEADING_WHITESPACE || state == VALUE || state == LINE_CR) {
            pending.append(bytes, Math.max(from, lineStart), to);
        }
        return i;
    }

    private int parseName(byte[] bytes, int i, int to, int lineStart) throws HttpParseException {
        for (; i < to; i++) {
            int c = bytes[i] & 0xFF;
            if (CharClass.isTchar(c)) {
                continue;
            }
            if (c == ':') {
                nameEnd = i - lineStart;
                state = VALUE_LEADING_WHITESPACE;
                return i + 1;
            }
            if (c == SP || c == HTAB) {
                // RFC 9112 §5.1: such a field could be read differently by another hop; it must be refused.
                throw badRequest(kind + " field name followed by whitespace before the colon");
            }
            if (c == CR || c == LF) {
                throw badRequest(kind + " field line has no colon");
            }
            throw badRequest("invalid character " + CharClass.describe(c) + " in " + kind + " field name");
        }
        return i;
    }

    private int skipLeadingWhitespace(byte[] bytes, int i, int to, int lineStart) throws HttpParseException {
        for (; i < to; i++) {
            int c = bytes[i] & 0xFF;
            if (c == SP || c == HTAB) {
                continue;
            }
            valueStart = i - lineStart;
            valueEnd = valueStart;
            state = VALUE;
            return i;
        }
        return i;
    }

    /** Returns after the line's end (state LINE_CR or LINE_END) or at {@code to}. */
    private int parseValue(byte[] bytes, int i, int to, int lineStart) throws HttpParseException {
        int lastVisible = -1;
        for (; i < to; i++) {
            int c = bytes[i] & 0xFF;
            if (CharClass.isFieldVchar(c)) {
                lastVisible = i;
            } else if (c == CR || c == LF) {
                break;
            } else if (c != SP && c != HTAB) {
                throw badRequest("invalid character " + CharClass.describe(c) + " in " + kind + " field value");
            }
        }
        if (lastVisible >= 0) {
            valueEnd = lastVisible + 1 - lineStart;
        }
        if (i == to) {
            return i;
        }
        if (bytes[i] == CR) {
            state = LINE_CR;
        } else if (bareLfEndsLine) {
            state = LINE_END;
        } else {
            throw badRequest("LF without CR in " + kind + " field");
        }
        return i + 1;
    }

    private void addField(byte[] bytes, int lineStart, int lineEnd) throws HttpParseException {
        byte[] line;
        int base;
        if (pending.isEmpty()) {
            line = bytes;
            base = lineStart;
        } else {
            pending.append(bytes, lineStart + pending.length(), lineEnd);
            line = pending.bytes();
            base = 0;
        }
        String name = KnownTokens.fieldName(line, base, nameEnd);
        String value = valueEnd > valueStart
                ? new String(line, base + valueStart, valueEnd - valueStart, ISO_8859_1) : "";
        pending.clear();
        fields.add(name, value);
        fieldCount++;
        if (control != null) {
            control.onField(name, value, lineNumber);
        }
        lineNumber++;
        state = LINE_START;
    }

    private HttpParseException badLineStart(int c) {
        if (c == SP || c == HTAB) {
            // RFC 9112 §5.2 (obs-fold) and §2.2 (whitespace after the start-line): both refused.
            return badRequest(fieldCount == 0 && control != null
                    ? "whitespace between the request line and the first header field"
                    : "obsolete line folding in " + kind + " section");
        }
        if (c == LF) {
            return badRequest("LF without CR in " + kind + " section");
        }
        if (c == ':') {
            return badRequest("empty " + kind + " field name");
        }
        return badRequest("invalid character " + CharClass.describe(c) + " at the start of a " + kind
                + " field line");
    }

    private HttpParseException badRequest(String message) {
        return new HttpParseException(400, message + " at line " + lineNumber);
    }
}
