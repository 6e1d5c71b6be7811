package io.corral.jetty;

import java.util.Arrays;
import org.eclipse.jetty.http.HttpField;

/**
 * The header fields of a connection's last request, by position, for the next one: a client sends the same fields
 * request after request (its user agent, what it accepts, its cookies), and each request reuses Jetty's
 * {@link HttpField} of the one before when name and value are the same strings, instead of resolving the name again
 * and making a field anew, as Jetty's HPACK decoder hands out one field object for every use of a table entry. Jetty's
 * fields are immutable; the array a request publishes is never written again, so concurrent HTTP/2 streams may read
 * it while another publishes the next. At most {@link #MAX_FIELDS} positions; dropped when the connection hibernates.
 */
final class RepeatedFields {

    /** Positions remembered at most: a request with more fields makes the rest anew. */
    static final int MAX_FIELDS = 32;
    private static final HttpField[] NONE = new HttpField[0];

    private volatile HttpField[] last = NONE;

    /** The last request's fields by position (null where none is kept); not to be written. */
    HttpField[] last() {
        return last;
    }

    /** Remembers the fields of the request just built; {@code fields} is not written again. */
    void remember(HttpField[] fields) {
        last = fields;
    }

    /** A copy of {@code last} to fill in, with room for {@code size} positions (up to {@link #MAX_FIELDS}). */
    static HttpField[] copy(HttpField[] last, int size) {
        return Arrays.copyOf(last, Math.max(last.length, Math.min(size, MAX_FIELDS)));
    }

    void clear() {
        last = NONE;
    }
}
