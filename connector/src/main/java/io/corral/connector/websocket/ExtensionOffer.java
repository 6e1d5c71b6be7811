package io.corral.connector.websocket;

import java.util.ArrayList;
import java.util.List;

/**
 * One element of a {@code Sec-WebSocket-Extensions} request header (RFC 6455 §9.1): an extension name
 * with its parameters, in the client's order of preference. A client may offer the same extension
 * several times with different parameters, in one header or in several. An element that does not follow
 * the grammar is kept as a malformed offer, so that the server declines it and still considers the
 * client's other offers.
 *
 * @param wellFormed false when the element broke the grammar; its name and parameters are then partial
 */
public record ExtensionOffer(String name, List<Parameter> parameters, boolean wellFormed) {

    /**
     * One {@code name[=value]} parameter.
     *
     * @param value  the value, unquoted and unescaped, or null when the parameter has none
     * @param quoted whether the value came as a quoted-string
     */
    public record Parameter(String name, String value, boolean quoted) {}

    /** Parses every element of every header value, in order; empty list elements are skipped. */
    public static List<ExtensionOffer> parse(List<String> headerValues) {
        List<ExtensionOffer> offers = new ArrayList<>(2);
        for (String value : headerValues) {
            new Cursor(value).parseList(offers);
        }
        return offers;
    }

    /** A position in one header value; parses elements separated by top-level commas. */
    private static final class Cursor {
        private final String text;
        private int i;

        Cursor(String text) {
            this.text = text;
        }

        void parseList(List<ExtensionOffer> offers) {
            while (true) {
                skipWhitespace();
                if (i == text.length()) {
                    return;
                }
                if (text.charAt(i) == ',') {            // an empty element, which lists may carry
                    i++;
                    continue;
                }
                offers.add(parseElement());
                skipWhitespace();
                if (i < text.length() && text.charAt(i) != ',') {
                    offers.set(offers.size() - 1, malformed(offers.get(offers.size() - 1)));
                    skipToNextElement();
                }
                if (i < text.length()) {
                    i++;                                  // the comma
                }
            }
        }

        private ExtensionOffer parseElement() {
            String name = token();
            List<Parameter> parameters = new ArrayList<>(2);
            if (name.isEmpty()) {
                skipToNextElement();
                return new ExtensionOffer(name, parameters, false);
            }
            skipWhitespace();
            while (i < text.length() && text.charAt(i) == ';') {
                i++;
                skipWhitespace();
                String parameterName = token();
                if (parameterName.isEmpty()) {
                    skipToNextElement();
                    return new ExtensionOffer(name, parameters, false);
                }
                skipWhitespace();
                String value = null;
                boolean quoted = false;
                if (i < text.length() && text.charAt(i) == '=') {
                    i++;
                    skipWhitespace();
                    quoted = i < text.length() && text.charAt(i) == '"';
                    value = quoted ? quotedString() : token();
                    if (value == null || (!quoted && value.isEmpty())) {
                        skipToNextElement();
                        return new ExtensionOffer(name, parameters, false);
                    }
                    skipWhitespace();
                }
                parameters.add(new Parameter(parameterName, value, quoted));
            }
            return new ExtensionOffer(name, List.copyOf(parameters), true);
        }

        private static ExtensionOffer malformed(ExtensionOffer offer) {
            return new ExtensionOffer(offer.name(), offer.parameters(), false);
        }

        private String token() {
            int start = i;
            while (i < text.length() && isTokenChar(text.charAt(i))) {
                i++;
            }
            return text.substring(start, i);
        }

        /** The unescaped content of a quoted-string at the cursor, or null when it never closes. */
        private String quotedString() {
            StringBuilder value = new StringBuilder();
            i++;                                          // opening quote
            while (i < text.length()) {
                char c = text.charAt(i++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    if (i == text.length()) {
                        return null;
                    }
                    c = text.charAt(i++);
                }
                value.append(c);
            }
            return null;
        }

        /** Moves to the next comma outside a quoted-string, or to the end. */
        private void skipToNextElement() {
            boolean inQuotes = false;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (inQuotes && c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    inQuotes = !inQuotes;
                } else if (c == ',' && !inQuotes) {
                    return;
                }
                i++;
            }
            i = text.length();
        }

        private void skipWhitespace() {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
        }

        /** RFC 9110 §5.6.2 tchar. */
        private static boolean isTokenChar(char c) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
                return true;
            }
            return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }
}
