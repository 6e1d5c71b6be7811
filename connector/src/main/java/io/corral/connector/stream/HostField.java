package io.corral.connector.stream;

/**
 * The syntax of a {@code Host} field value (RFC 9110 §7.2: {@code uri-host [ ":" port ]}, with RFC 3986
 * §3.2.2's host): a reg-name or IPv4 address (unreserved characters, sub-delims and percent-encodings), or an
 * IPv6 address in brackets, then an optional port. RFC 9112 §3.2 makes a server answer 400 to an invalid one:
 * a proxy in front may have read such a value as another host, or refused it, and the two must not disagree.
 *
 * <p>Stricter than the grammar in the same places as Jetty's {@code HostPort}, so that Corral never accepts a
 * Host that Jetty refuses: the port, when there is a colon, is 1 to 65535 (not empty, not 0), and the brackets
 * hold an IPv6 address only (hex digits, colons and dots; no IPvFuture). An empty value is valid (§7.2: what a
 * client sends when the target has no authority).
 *
 * <p>One rule for every protocol: HTTP/1.1 checks {@code Host} with it, HTTP/2 checks {@code :authority} and
 * {@code host} (RFC 9113 §8.3.1: the same authority, without the userinfo an {@code @} would bring), so a
 * request HTTP/1.1 refuses for its authority is not served because it came over HTTP/2.
 */
public final class HostField {

    private static final int MAX_PORT = 65_535;
    /** RFC 3986 sub-delims, and the unreserved characters that are not letters or digits. */
    private static final String REG_NAME_PUNCTUATION = "!$&'()*+,;=-._~";

    private HostField() {}

    public static boolean isValid(String value) {
        int length = value.length();
        if (length == 0) {
            return true;
        }
        int hostEnd = value.charAt(0) == '[' ? ipLiteralEnd(value) : regNameEnd(value);
        if (hostEnd <= 0) {
            return false;
        }
        return hostEnd == length || (value.charAt(hostEnd) == ':' && isPort(value, hostEnd + 1));
    }

    /** The index after the closing bracket of an IPv6 literal, or -1. */
    private static int ipLiteralEnd(String value) {
        boolean colon = false;
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ']') {
                return colon ? i + 1 : -1;
            }
            if (c == ':') {
                colon = true;
            } else if (c != '.' && hexValue(c) < 0) {
                return -1;
            }
        }
        return -1;
    }

    /** The index of the first character after a non-empty reg-name (or IPv4 address), or -1. */
    private static int regNameEnd(String value) {
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length() || hexValue(value.charAt(i + 1)) < 0
                        || hexValue(value.charAt(i + 2)) < 0) {
                    return -1;
                }
                i += 3;
            } else if (c < 0x80 && (isAlpha(c) || isDigit(c)
                    || REG_NAME_PUNCTUATION.indexOf(c) >= 0)) {
                i++;
            } else {
                break;
            }
        }
        return i == 0 ? -1 : i;
    }

    private static boolean isPort(String value, int from) {
        int length = value.length() - from;
        if (length < 1 || length > 5) {
            return false;
        }
        int port = 0;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isDigit(c)) {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= MAX_PORT;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int hexValue(char c) {
        return isDigit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
