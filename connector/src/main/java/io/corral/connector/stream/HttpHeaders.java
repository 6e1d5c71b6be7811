package io.corral.connector.stream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An ordered list of header fields with case-insensitive names, as they came on the wire (requests,
 * trailers) or as a handler sets them (responses). Not thread-safe: one request thread owns it.
 */
public final class HttpHeaders implements Iterable<HttpHeaders.Field> {

    /** One header field line; the name keeps the spelling it arrived or was set with. */
    public record Field(String name, String value) {
        public boolean is(String otherName) {
            return name.equalsIgnoreCase(otherName);
        }
    }

    private final List<Field> fields;

    public HttpHeaders() {
        this.fields = new ArrayList<>(12);
    }

    public HttpHeaders add(String name, String value) {
        fields.add(new Field(name, value));
        return this;
    }

    /** Replaces every field of that name with one. */
    public HttpHeaders set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every field of that name; says whether there was one. */
    public boolean remove(String name) {
        return fields.removeIf(field -> field.is(name));
    }

    /** The first value of that name, or null. */
    public String get(String name) {
        for (int i = 0, n = fields.size(); i < n; i++) {
            Field field = fields.get(i);
            if (field.is(name)) {
                return field.value;
            }
        }
        return null;
    }

    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>(2);
        for (Field field : fields) {
            if (field.is(name)) {
                values.add(field.value);
            }
        }
        return values;
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    /**
     * Whether any field of that name lists the token in its comma-separated value, ignoring case and
     * optional whitespace (RFC 9110 §5.6.1): {@code Connection: keep-alive, Upgrade} contains {@code upgrade}.
     */
    public boolean containsToken(String name, String token) {
        for (Field field : fields) {
            if (field.is(name) && listContains(field.value, token)) {
                return true;
            }
        }
        return false;
    }

    public static boolean listContains(String list, String token) {
        int start = 0, length = list.length();
        while (start < length) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            int from = start, to = end;
            while (from < to && isOptionalWhitespace(list.charAt(from))) from++;
            while (to > from && isOptionalWhitespace(list.charAt(to - 1))) to--;
            if (to - from == token.length() && list.regionMatches(true, from, token, 0, token.length())) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static boolean isOptionalWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    public int size() {
        return fields.size();
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    public void clear() {
        fields.clear();
    }

    @Override
    public Iterator<Field> iterator() {
        return fields.iterator();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Field field : fields) {
            text.append(field.name).append(": ").append(field.value).append('\n');
        }
        return text.toString();
    }
}
