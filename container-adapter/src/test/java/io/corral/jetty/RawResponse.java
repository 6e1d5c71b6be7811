package io.corral.jetty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/1.1 response as it came off the wire: status line, header fields in order, the body with its
 * framing removed, and the trailer fields of a chunked body.
 */
record RawResponse(String version, int status, String reason, List<Field> headers, byte[] body,
        List<Field> trailers, boolean chunked) {

    record Field(String name, String value) {
    }

    /** The first value of the field, ignoring case, or null. */
    String header(String name) {
        return first(headers, name);
    }

    List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (Field field : headers) {
            if (field.name().equalsIgnoreCase(name)) {
                values.add(field.value());
            }
        }
        return values;
    }

    String trailer(String name) {
        return first(trailers, name);
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the server said it closes the connection after this response. */
    boolean saysClose() {
        for (String value : headers("Connection")) {
            for (String token : value.split(",")) {
                if (token.trim().equalsIgnoreCase("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String first(List<Field> fields, String name) {
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return field.value();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(version).append(' ').append(status).append(' ').append(reason).append('\n');
        headers.forEach(field -> text.append(field.name()).append(": ").append(field.value()).append('\n'));
        text.append('\n').append(body.length > 512 ? text().substring(0, 512) + "…" : text());
        return text.toString();
    }
}
