package io.corral.sample.ws;

/**
 * The JSON form of a {@link ChatMessage}, written and read by hand so the WAR carries no JSON library.
 * Writing always produces {@code {"from":"…","text":"…"}} with RFC 8259 string escaping. Reading accepts
 * any JSON object whose members are strings or {@code null}, in any order, with any whitespace; unknown
 * members are ignored (so a newer page can send more), {@code "text"} is required and a missing
 * {@code "from"} becomes {@link ChatMessage#ANONYMOUS}.
 */
final class ChatMessageJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ChatMessageJson() {
    }

    static String write(ChatMessage message) {
        StringBuilder json = new StringBuilder(message.from().length() + message.text().length() + 24);
        json.append("{\"from\":");
        appendString(json, message.from());
        json.append(",\"text\":");
        appendString(json, message.text());
        return json.append('}').toString();
    }

    /**
     * Parses one chat message.
     *
     * @throws IllegalArgumentException naming the offset when the input is not a JSON object of string
     *     members, or has no {@code "text"}
     */
    static ChatMessage read(String json) {
        Cursor cursor = new Cursor(json);
        cursor.skipWhitespace();
        cursor.expect('{');
        String from = null;
        String text = null;
        cursor.skipWhitespace();
        if (!cursor.consumeIf('}')) {
            do {
                cursor.skipWhitespace();
                String name = cursor.readString();
                cursor.skipWhitespace();
                cursor.expect(':');
                cursor.skipWhitespace();
                String value = cursor.readStringOrNull();
                switch (name) {
                    case "from" -> from = value;
                    case "text" -> text = value;
                    default -> { }
                }
                cursor.skipWhitespace();
            } while (cursor.consumeIf(','));
            cursor.expect('}');
        }
        cursor.skipWhitespace();
        if (!cursor.atEnd()) {
            throw cursor.error("trailing characters after the object");
        }
        if (text == null) {
            throw new IllegalArgumentException("chat message has no \"text\" string");
        }
        return new ChatMessage(from == null ? ChatMessage.ANONYMOUS : from, text);
    }

    private static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        // RFC 8259 §7: the remaining control characters must be escaped as \\u00XX.
                        json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /** A read position in the input; every failure names the offset so a bad page is easy to debug. */
    private static final class Cursor {
        private final String input;
        private int position;

        Cursor(String input) {
            this.input = input;
        }

        boolean atEnd() {
            return position >= input.length();
        }

        void skipWhitespace() {
            while (position < input.length()) {
                char c = input.charAt(position);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                position++;
            }
        }

        boolean consumeIf(char expected) {
            if (position < input.length() && input.charAt(position) == expected) {
                position++;
                return true;
            }
            return false;
        }

        void expect(char expected) {
            if (!consumeIf(expected)) {
                throw error("expected '" + expected + "'");
            }
        }

        String readStringOrNull() {
            if (input.startsWith("null", position)) {
                position += 4;
                return null;
            }
            if (position < input.length() && input.charAt(position) == '"') {
                return readString();
            }
            throw error("expected a string or null (only string members are supported)");
        }

        String readString() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (position < input.length()) {
                char c = input.charAt(position++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    value.append(readEscape());
                } else if (c < 0x20) {
                    throw error("unescaped control character");
                } else {
                    value.append(c);
                }
            }
            throw error("unterminated string");
        }

        private char readEscape() {
            if (atEnd()) {
                throw error("unterminated escape");
            }
            char c = input.charAt(position++);
            return switch (c) {
                case '"', '\\', '/' -> c;
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> readHexChar();
                default -> throw error("invalid escape '\\" + c + "'");
            };
        }

        private char readHexChar() {
            if (position + 4 > input.length()) {
                throw error("truncated \\u escape");
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
                int digit = Character.digit(input.charAt(position++), 16);
                if (digit < 0) {
                    throw error("invalid hex digit in \\u escape");
                }
                code = (code << 4) | digit;
            }
            return (char) code;
        }

        IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("bad chat JSON at offset " + position + ": " + problem);
        }
    }
}
