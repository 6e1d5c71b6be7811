package io.corral.jetty;

import io.corral.connector.http2.Http2Protocol;
import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.RequestHead;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.util.HostPort;
import org.eclipse.jetty.util.StringUtil;
import org.eclipse.jetty.util.URIUtil;

/**
 * Builds the {@link MetaData.Request} Jetty's handlers see from a request head Corral parsed. The target
 * stays raw and undecoded (Jetty applies its own URI compliance and decoding later); scheme and authority
 * are filled in the way Jetty's own HTTP/1.1 connection does, including its checks on the {@code Host}
 * field, so that {@code getServerName()}, {@code getScheme()} and redirects come out the same. Over HTTP/2 the
 * authority comes from {@code :authority}, which becomes the URI's authority and, as on Jetty's HTTP/2 connection,
 * no {@code Host} header of its own.
 */
final class RequestMetaData {

    private RequestMetaData() {
    }

    static HttpVersion version(RequestHead head) {
        return switch (head.version()) {
            case HTTP_1_0 -> HttpVersion.HTTP_1_0;
            case HTTP_1_1 -> HttpVersion.HTTP_1_1;
            case HTTP_2 -> HttpVersion.HTTP_2;
        };
    }

    /**
     * @param secure      whether the connection is TLS (the scheme of an origin-form target)
     * @param connection  asked for the server's authority only when the request names none (no Host)
     * @param hosts       the connection's last Host field, reused when this request names the same authority
     * @param repeated    the connection's last request's fields, reused where this request repeats them
     * @throws HttpException.RuntimeException a 400 for a target or Host field Jetty would refuse
     */
    static MetaData.Request from(RequestHead head, long beginNanoTime, boolean secure,
            ConnectionMetaData connection, HttpCompliance compliance, LastHostField hosts,
            RepeatedFields repeated) {
        String method = head.method();
        HttpVersion version = version(head);
        HttpHeaders headers = head.headers();
        HttpFields.Mutable fields = HttpFields.build(headers.size() + 2);
        HostPortHttpField host = null;
        boolean contentLengthSeen = false;
        HttpField[] last = repeated.last();
        HttpField[] made = null;
        int position = -1;
        for (HttpHeaders.Field field : headers) {
            position++;
            HttpField same = position < last.length ? last[position] : null;
            if (same != null && same.getName().equals(field.name()) && same.getValue().equals(field.value())) {
                fields.add(same);
                continue;
            }
            if (position < RepeatedFields.MAX_FIELDS) {
                if (made == null) {
                    made = RepeatedFields.copy(last, headers.size());
                }
                made[position] = null; // Content-Length and Host are never reused this way
            }
            HttpHeader known = HttpHeader.CACHE.get(field.name());
            if (known == HttpHeader.CONTENT_LENGTH) {
                if (!contentLengthSeen) {
                    fields.add(singleContentLength(field, head.framing()));
                    contentLengthSeen = true;
                }
            } else if (known == HttpHeader.HOST) {
                if (host != null && !compliance.allows(HttpCompliance.Violation.DUPLICATE_HOST_HEADERS)) {
                    throw new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, "Duplicate Host Header");
                }
                host = hosts.parse(field.value());
                if (!(version == HttpVersion.HTTP_2 && field.name().equals(Http2Protocol.HOST_FROM_AUTHORITY))) {
                    fields.add(host);
                }
            } else {
                HttpField fresh = new HttpField(known, field.name(), field.value());
                fields.add(fresh);
                if (made != null && position < made.length) {
                    made[position] = fresh;
                }
            }
        }
        if (made != null) {
            repeated.remember(made);
        }

        if (head.isExtendedConnect()) {
            return extendedConnect(head, beginNanoTime, secure, fields, host);
        }
        HttpURI.Mutable uri = parseTarget(method, head.target());
        if (host != null) {
            if (uri.isAbsolute()) {
                if (!host.getValue().equals(uri.getAuthority())
                        && !compliance.allows(HttpCompliance.Violation.MISMATCHED_AUTHORITY)) {
                    throw new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, "Authority!=Host");
                }
            } else if (StringUtil.isBlank(host.getHostPort().getHost())) {
                throw new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, "Blank Host");
            }
        } else if (version == HttpVersion.HTTP_1_1) {
            // RFC 9112 §3.2: a server MUST respond with 400 to an HTTP/1.1 request that lacks Host.
            throw new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, "No Host");
        }

        if (!uri.isAbsolute()) {
            uri.scheme(secure ? HttpScheme.HTTPS : HttpScheme.HTTP);
        }
        if (uri.getAuthority() == null && !HttpMethod.CONNECT.is(method)) {
            HostPort hostPort = host == null ? connection.getServerAuthority() : host.getHostPort();
            if (hostPort != null) {
                int port = hostPort.getPort();
                if (port == URIUtil.getDefaultPortForScheme(uri.getScheme())) {
                    port = -1;
                }
                uri.authority(hostPort.getHost(), port);
            }
        }
        if (uri.getPath() == null) {
            uri.path("/");
        }

        long contentLength = head.framing() instanceof BodyFraming.Length length ? length.length() : -1;
        return new MetaData.Request(beginNanoTime, method, uri.asImmutable(), version, fields, contentLength);
    }

    /**
     * An extended CONNECT (RFC 8441 §4) as Jetty's HTTP/2 connection builds it, a {@link MetaData.ConnectRequest}
     * carrying the protocol, whose {@code :path} is an origin-form target (not the authority a plain CONNECT names)
     * and whose {@code :authority} is the request's authority; Jetty's RFC 8441 handshaker looks for exactly this.
     */
    private static MetaData.Request extendedConnect(RequestHead head, long beginNanoTime, boolean secure,
            HttpFields.Mutable fields, HostPortHttpField authority) {
        if (authority == null || StringUtil.isBlank(authority.getHostPort().getHost())) {
            throw new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, "No :authority");
        }
        return new MetaData.ConnectRequest(beginNanoTime, secure ? HttpScheme.HTTPS : HttpScheme.HTTP, authority,
                head.target(), fields, head.protocol());
    }

    /**
     * RFC 9110 §8.6: a recipient may accept a Content-Length that repeats one value ({@code 3, 3}, or the
     * field twice) only by replacing it with a single field holding that value. The parser has already
     * refused any other list; Jetty must see the single value, because its {@code getContentLengthLong()}
     * parses the field text and would throw on a list (a 500 for a legal request).
     */
    private static HttpField singleContentLength(HttpHeaders.Field field, BodyFraming framing) {
        String value = field.value();
        if (isDigits(value)) {
            return new HttpField(HttpHeader.CONTENT_LENGTH, field.name(), value);
        }
        long length = framing instanceof BodyFraming.Length known ? known.length() : 0; // NONE: the value was 0
        return new HttpField(HttpHeader.CONTENT_LENGTH, field.name(), Long.toString(length));
    }

    private static boolean isDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !value.isEmpty();
    }

    /** The request Jetty's error handling renders a refusal for, when the real one could not be built. */
    static MetaData.Request forRefusal(RequestHead head, long beginNanoTime) {
        HttpURI uri;
        try {
            uri = parseTarget(head.method(), head.target()).asImmutable();
        } catch (RuntimeException notAUri) {
            uri = HttpURI.from("/badMessage");
        }
        return new MetaData.Request(beginNanoTime, head.method(), uri, version(head), HttpFields.EMPTY);
    }

    private static HttpURI.Mutable parseTarget(String method, String target) {
        HttpURI.Mutable uri;
        try {
            uri = HttpURI.build(method, target);
        } catch (IllegalArgumentException bad) {
            // "Bad Request", as Jetty's HttpParser words any failure of its handler: the error page is the same.
            throw new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, "Bad Request", bad);
        }
        if (StringUtil.isEmpty(uri.getPath()) && uri.getScheme() != null && uri.hasAuthority()) {
            uri.path("/");
        }
        return uri;
    }
}
