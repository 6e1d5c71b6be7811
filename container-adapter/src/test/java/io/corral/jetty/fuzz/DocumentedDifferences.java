package io.corral.jetty.fuzz;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

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
     * @return whether the head in {@code input[start, end)} carries Content-Length as such a list
     */
    static boolean contentLengthList(byte[] input, int start, int end) {
        String request = new String(input, start, end - start, ISO_8859_1);
        int headEnd = request.indexOf("\r\n\r\n");
        String head = headEnd < 0 ? request : request.substring(0, headEnd);
        int fields = 0;
        boolean list = false;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                fields++;
                list |= line.indexOf(',') >= 0;
            }
        }
        return fields > 1 || list;
    }
}
