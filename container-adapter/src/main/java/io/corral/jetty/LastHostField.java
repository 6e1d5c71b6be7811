package io.corral.jetty;

import org.eclipse.jetty.http.HostPortHttpField;

/**
 * The {@code Host} field (over HTTP/2, {@code :authority}) of a connection's last request, parsed, for the next one:
 * every request of a connection names the same authority nearly always, and parsing it into Jetty's
 * {@link HostPortHttpField} (host, port, IPv6 literal checks) on every request was a third of the cost of building a
 * request's metadata. Jetty's field is immutable, so one instance may serve any number of requests, concurrent
 * HTTP/2 streams included; a request naming another authority parses its own and becomes the last.
 */
final class LastHostField {

    private volatile HostPortHttpField last;

    /**
     * The parsed field for this value: the last one when the value is the same string.
     *
     * @throws org.eclipse.jetty.http.HttpException.RuntimeException a 400 for a value Jetty cannot parse
     */
    HostPortHttpField parse(String value) {
        HostPortHttpField field = last;
        if (field != null && field.getValue().equals(value)) {
            return field;
        }
        field = new HostPortHttpField(value);
        last = field;
        return field;
    }

    void clear() {
        last = null;
    }
}
