package io.corral.jetty.fuzz;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Requests Corral accepts and Jetty's {@code HttpParser} refuses, on purpose — each listed in the README's
 * "What differs from ServerConnector, on purpose" — recognised in raw request bytes, so that the differential
 * fuzz tells them from a Corral that is laxer by mistake. None of them is a smuggling gap: Corral and Jetty
 * read no byte of them differently; Jetty just will not read them at all.
 */
final class DocumentedDifferences {

    private DocumentedDifferences() {}

    /**
     * {@code Content-Length: 3, 3}, or the field repeated with the same value: RFC 9110 §8.6 lets a recipient
     * take such a list as the one value, and Corral does (whatever the list, the body length is the same
     * number, so nothing can be read two ways); Jetty answers 400. Corral refuses lists whose values differ.
     *
     * @return whether the head of the request in {@code input[start, end)} carries Content-Length as such a list
     */
    static boolean contentLengthList(byte[] input, int start, int end) {
        int fields = 0;
        boolean list = false;
        for (String line : headLines(input, start, end)) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                fields++;
                list |= line.indexOf(',') >= 0;
            }
        }
        return fields > 1 || list;
    }

    /**
     * {@code HTTP/1.2} to {@code HTTP/1.9}: RFC 9112 §2.3 says a recipient SHOULD process a message with a higher
     * minor version of a major version it implements as the highest minor version it conforms to, and Corral
     * serves it as HTTP/1.1; Jetty answers 505. Framing is HTTP/1.1's either way.
     *
     * @return whether the request line of the request in {@code input[start, end)} ends in such a version
     */
    static boolean minorVersionAboveOne(byte[] input, int start, int end) {
        List<String> lines = headLines(input, start, end);
        String line = lines.isEmpty() ? "" : lines.get(0);
        return line.length() >= 8 && line.regionMatches(line.length() - 8, "HTTP/1.", 0, 7)
                && line.charAt(line.length() - 1) >= '2' && line.charAt(line.length() - 1) <= '9';
    }

    /**
     * The request line and field lines of a request, as Corral reads them: empty lines before the request
     * line skipped, lines ended by CRLF or a bare LF (RFC 9112 §2.2), up to the empty line that ends the head.
     */
    private static List<String> headLines(byte[] input, int start, int end) {
        String request = new String(input, start, end - start, ISO_8859_1).replaceFirst("^[\r\n]+", "");
        List<String> lines = new ArrayList<>();
        for (String line : request.split("\n", -1)) {
            String content = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (content.isEmpty()) {
                break;
            }
            lines.add(content);
        }
        return lines;
    }
}
