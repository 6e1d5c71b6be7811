package io.corral.connector.http1;

import io.corral.connector.stream.HttpVersion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.corral.connector.http1.Http1ParserHarness.head;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static io.corral.connector.http1.Http1ParserHarness.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request
 * message that lacks a Host header field and to any request message that contains more than one Host
 * header field line or a Host header field with an invalid field value."
 */
class Rfc9112HostFieldTest {

    @Test
    @DisplayName("§3.2: an HTTP/1.1 request without Host is 400")
    void refusesHttp11WithoutHost() {
        assertEquals(400, status(request("GET / HTTP/1.1", "Accept: */*")));
        assertEquals(400, status(request("GET / HTTP/1.1")));
    }

    @Test
    @DisplayName("§3.2: HTTP/1.0 did not require Host")
    void acceptsHttp10WithoutHost() {
        assertEquals(HttpVersion.HTTP_1_0, head(request("GET / HTTP/1.0")).version());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§3.2: more than one Host field line is 400, whatever the spelling of the name")
    @ValueSource(strings = {"Host: b", "host: a", "HOST: a", "hOsT: c"})
    void refusesASecondHost(String second) {
        assertEquals(400, status(request("GET / HTTP/1.1", "Host: a", "Accept: */*", second)));
        assertEquals(400, status(request("GET / HTTP/1.0", "Host: a", second)));
    }

    @Test
    @DisplayName("§3.2: a client MUST send an empty Host when the target URI has no authority")
    void acceptsAnEmptyHost() {
        assertEquals("", head(request("GET / HTTP/1.1", "Host:")).headers().get("Host"));
    }

    @Test
    @DisplayName("the Host field is found whatever the case of its name")
    void findsHostInAnyCase() {
        assertEquals("example.com", head(request("GET / HTTP/1.1", "hOST: example.com")).headers().get("Host"));
    }

    @ParameterizedTest(name = "[{index}] Host: {0}")
    @DisplayName("§3.2, RFC 9110 §7.2: a Host of uri-host [ \":\" port ] is accepted")
    @ValueSource(strings = {"example.com", "example.com:8080", "a:1", "a:65535", "a:080", "127.0.0.1:80",
            "[::1]", "[::1]:443", "[2001:db8::7]", "xn--bcher-kva.example", "a_b~!$&'()*+,;=", "caf%C3%A9"})
    void acceptsValidHosts(String host) {
        assertEquals(host, head(request("GET / HTTP/1.1", "Host: " + host)).headers().get("Host"));
    }

    @ParameterizedTest(name = "[{index}] Host: {0}")
    @DisplayName("§3.2: a Host field with an invalid value is 400 (port 1-65535 and IPv6-only brackets, as Jetty)")
    @ValueSource(strings = {"a b", "a:", "a:0", "a:65536", "a:123456", "a:+1", "a:-1", "a:8x", ":80", "a@b",
            "a/b", "a?b", "a#b", "\"a\"", "a%4", "a%zz", "caf\u00e9", "a:4\u00b53", "[::1", "[zz]", "[v1.x]",
            "[::1]x", "[::1]:", "a::80"})
    void refusesInvalidHosts(String host) {
        assertEquals(400, status(request("GET / HTTP/1.1", "Host: " + host)));
    }
}
