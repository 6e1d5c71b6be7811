package io.corral.connector.http1;

import io.corral.connector.stream.RequestHead;
import io.corral.connector.stream.RequestTargetForm;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.corral.connector.http1.Http1ParserHarness.head;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static io.corral.connector.http1.Http1ParserHarness.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 9112 §3.2: the four request-target forms and which methods may use them. */
class Rfc9112RequestTargetTest {

    @ParameterizedTest(name = "[{index}] {0} {1} -> {2}")
    @DisplayName("§3.2: origin-form, absolute-form (any scheme), authority-form for CONNECT, asterisk-form for OPTIONS")
    @CsvSource(delimiter = '|', value = {
            "GET     | /                              | ORIGIN",
            "GET     | /a/b?c=d&e                     | ORIGIN",
            "GET     | //double/slash                 | ORIGIN",
            "POST    | /%7Euser/                      | ORIGIN",
            "GET     | http://example.com/p           | ABSOLUTE",
            "GET     | https://example.com:8443/      | ABSOLUTE",
            "GET     | HTTP://EXAMPLE.COM             | ABSOLUTE",
            "GET     | ws://example.com/chat          | ABSOLUTE",
            "GET     | coap+tcp://h/x                 | ABSOLUTE",
            "GET     | urn:isbn:0451450523            | ABSOLUTE",
            "CONNECT | example.com:443                | AUTHORITY",
            "CONNECT | 127.0.0.1:8080                 | AUTHORITY",
            "CONNECT | [::1]:8443                     | AUTHORITY",
            "CONNECT | [2001:db8::7]:1                | AUTHORITY",
            "OPTIONS | *                              | ASTERISK",
            "OPTIONS | /                              | ORIGIN",
    })
    void recognisesEachForm(String method, String target, RequestTargetForm form) {
        RequestHead head = head(request(method + " " + target + " HTTP/1.1", "Host: example.com"));
        assertEquals(form, head.targetForm());
        assertEquals(target, head.target());
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @DisplayName("§3.2: a target in no form, or in a form the method may not use, is 400")
    @CsvSource(delimiter = '|', value = {
            "GET     | example.com:443",     // §3.2.3: authority-form is only used for CONNECT
            "GET     | localhost:8080",
            "POST    | [::1]:80",
            "GET     | *",                   // §3.2.4: asterisk-form is only used for OPTIONS
            "OPTIONS | *x",
            "OPTIONS | **",
            "CONNECT | /",                   // CONNECT takes authority-form only
            "CONNECT | example.com",
            "CONNECT | example.com:",
            "CONNECT | :443",
            "CONNECT | http://example.com:80",
            "CONNECT | user@example.com:443",
            "CONNECT | [::1:443",
            "CONNECT | *",
            "GET     | index.html",
            "GET     | ?q=1",
            "GET     | #fragment",
            "GET     | 1http://example.com/",
            "GET     | http:",
            "GET     | ht~tp://example.com/",
    })
    void refusesOtherTargets(String method, String target) {
        assertEquals(400, status(request(method + " " + target + " HTTP/1.1", "Host: example.com")));
    }
}
