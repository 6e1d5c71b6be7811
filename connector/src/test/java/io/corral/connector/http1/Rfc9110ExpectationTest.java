package io.corral.connector.http1;

import io.corral.connector.stream.RequestHead;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.corral.connector.http1.Http1ParserHarness.head;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static io.corral.connector.http1.Http1ParserHarness.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9110 §10.1.1 (Expect): "The Expect field value is case-insensitive." "The only expectation defined
 * by this specification is \"100-continue\"." "A server that receives an Expect field value containing a
 * member other than 100-continue MAY respond with a 417 (Expectation Failed) status code" — Corral does,
 * so that a client relying on an expectation we do not know is told instead of silently ignored.
 */
class Rfc9110ExpectationTest {

    @ParameterizedTest(name = "[{index}] Expect: {0}")
    @DisplayName("§10.1.1: 100-continue, in any case, is an expectation to send 100 before the body")
    @ValueSource(strings = {"100-continue", "100-Continue", "100-CONTINUE", " 100-continue ", "100-continue,"})
    void recognises100Continue(String value) {
        RequestHead head = head(request("POST / HTTP/1.1", "Host: a", "Content-Length: 0", "Expect: " + value));
        assertTrue(head.expectContinue());
    }

    @Test
    void noExpectMeansNoContinue() {
        assertFalse(head(request("POST / HTTP/1.1", "Host: a", "Content-Length: 0")).expectContinue());
    }

    @ParameterizedTest(name = "[{index}] Expect: {0}")
    @DisplayName("§10.1.1: any other expectation is 417")
    @ValueSource(strings = {"foo", "100-continue, foo", "100-continue;x=1", "100-continued", "200-ok", "100"})
    void refusesUnknownExpectationsWith417(String value) {
        assertEquals(417, status(request("POST / HTTP/1.1", "Host: a", "Content-Length: 0", "Expect: " + value)));
    }

    @ParameterizedTest(name = "[{index}] Expect: {0}")
    @DisplayName("§10.1.1: a server that receives a 100-continue expectation in an HTTP/1.0 request MUST ignore it")
    @ValueSource(strings = {"100-continue", "foo"})
    void ignoresExpectInHttp10(String value) {
        assertFalse(head(request("POST / HTTP/1.0", "Content-Length: 0", "Expect: " + value)).expectContinue());
    }
}
