package io.corral.jetty;

import io.corral.connector.stream.HttpHeaders;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Moves header fields between Corral's {@link HttpHeaders} and Jetty's {@link HttpFields}, keeping
 * order and spelling. Known names are resolved to Jetty's {@link HttpHeader} constants on the way in,
 * because much of Jetty switches on them rather than on the name.
 */
final class HeaderTranslation {

    private HeaderTranslation() {
    }

    /** Jetty fields for Corral fields (request trailers). */
    static HttpFields toJetty(HttpHeaders headers) {
        HttpFields.Mutable fields = HttpFields.build(headers.size());
        for (HttpHeaders.Field field : headers) {
            fields.add(new HttpField(HttpHeader.CACHE.get(field.name()), field.name(), field.value()));
        }
        return fields.asImmutable();
    }

    /** Corral fields for Jetty fields (response headers and trailers); null values are dropped. */
    static HttpHeaders toCorral(HttpFields fields, HttpHeaders into) {
        if (fields == null) {
            return into;
        }
        HttpFields read = fields;
        while (read instanceof HttpFields.Mutable.Wrapper wrapper) {
            read = wrapper.getWrapped(); // a wrapper only watches changes: what it wraps holds the same fields
        }
        if (read instanceof HttpFields.Mutable) {
            // By index: Jetty's own mutable fields (a response's, behind its wrapper) are an array, and their
            // iterator, two objects behind a wrapper, was made anew for every response.
            for (int i = 0, size = read.size(); i < size; i++) {
                add(read.getField(i), into);
            }
        } else {
            for (HttpField field : read) {
                add(field, into);
            }
        }
        return into;
    }

    private static void add(HttpField field, HttpHeaders into) {
        String value = field.getValue();
        if (value != null) {
            into.add(field.getName(), value);
        }
    }
}
