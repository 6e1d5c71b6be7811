package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.hpack.HeaderField;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 9113 §8.3.1 {@code :authority} and {@code Host}: "Clients that generate HTTP/2 requests directly MUST use the
 * :authority pseudo-header field to convey authority information"; "An intermediary that forwards a request over
 * HTTP/2 MAY retain any Host header field"; "A server SHOULD treat a request as malformed if it contains a Host
 * header field that identifies an entity that differs from the entity in the :authority pseudo-header field";
 * and ":authority MUST NOT include the deprecated userinfo subcomponent for "http" or "https" schemed URIs". The
 * handler sees one {@code host} field whichever the client sent, and an authority HTTP/1.1 would answer 400 for
 * (RFC 9112 §3.2) is malformed here too.
 */
class Rfc9113AuthorityTest {

    /** Answers with the host fields the handler sees, joined with "|" ("-" for none). */
    private static H2TestServer server() throws Exception {
        return new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            List<String> hosts = exchange.request().headers().getAll("host");
            String body = hosts.isEmpty() ? "-" : String.join("|", hosts);
            exchange.response().write(ByteBuffer.wrap(body.getBytes(StandardCharsets.ISO_8859_1)), true);
        });
    }

    private static List<HeaderField> request(String authority, String host) {
        List<HeaderField> fields = new ArrayList<>(List.of(new HeaderField(":method", "GET"),
                new HeaderField(":scheme", "http"), new HeaderField(":path", "/")));
        if (!authority.equals("-")) {
            fields.add(new HeaderField(":authority", authority));
        }
        return host.equals("-") ? fields : with(fields, "host", host);
    }

    @ParameterizedTest(name = ":authority {0}, host {1} -> the handler sees host {2}")
    @CsvSource({
            "example.com,       -,                 example.com",       // the usual HTTP/2 request
            "example.com:8443,  -,                 example.com:8443",
            "[::1]:8080,        -,                 [::1]:8080",
            "-,                 example.com,       example.com",       // a client that sends only Host
            "example.com,       example.com,       example.com",       // an intermediary that kept Host
            "Example.COM,       example.com,       example.com",       // the same entity: host names ignore case
            "-,                 -,                 -"                  // no authority at all: served, as Jetty does
    })
    void theHandlerSeesOneHostField(String authority, String host, String seen) throws Exception {
        try (H2TestServer server = server(); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, request(authority, host), true);
            H2Client.Response response = client.response(1);
            assertEquals(200, response.status());
            assertEquals(seen, response.body());
        }
    }

    @ParameterizedTest(name = ":authority {0}, host {1}")
    @CsvSource({
            "example.com,       example.org",         // §8.3.1: a Host naming another entity
            "example.com,       example.com:8080",    // another port is another entity
            "user@example.com,  -",                   // §8.3.1: no userinfo
            "user:pw@example.com, -",
            "-,                 user@example.com",
            "'example.com, x',  -",                   // RFC 9110 §7.2: uri-host [ ":" port ], nothing else
            "example.com:0,     -",                   // a port of 0 or past 65535, as HTTP/1.1 refuses it
            "example.com:65536, -",
            "example.com:,      -",
            "[example.com],     -",
            "-,                 a b"
    })
    void anAuthorityHttp11WouldRefuseIsMalformedAndTheConnectionServesOn(String authority, String host)
            throws Exception {
        AtomicInteger handled = new AtomicInteger();
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            handled.incrementAndGet();
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, request(authority, host), true);
            // §8.1.1: "Malformed requests or responses that are detected MUST be treated as a stream error of type
            // PROTOCOL_ERROR."
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.reset(1).errorCode());
            client.request(3, request("example.com", "-"), true);
            assertEquals(200, client.response(3).status(), "the connection serves on");
            assertEquals(1, handled.get(), "only the valid request reached the handler");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost", "127.0.0.1:1", "example.com:65535", "xn--bcher-kva.example", "%41.example"})
    void validAuthoritiesAreServed(String authority) throws Exception {
        try (H2TestServer server = server(); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, request(authority, "-"), true);
            assertEquals(authority, client.response(1).body());
        }
    }
}
