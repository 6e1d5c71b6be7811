package io.corral.connector.http1;

import static io.corral.connector.http1.Http1ParserHarness.head;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 9112 §9.3: "If the \"close\" connection option is present, the connection will not persist";
 * otherwise an HTTP/1.1 connection persists, and an HTTP/1.0 one only with the "keep-alive" option.
 */
class Rfc9112PersistenceTest {

    @ParameterizedTest(name = "[{index}] {0} Connection: {1} -> {2}")
    @DisplayName("§9.3: persistence from the version and the Connection options, case-insensitive")
    @CsvSource(delimiter = '|', value = {
            "HTTP/1.1 |                       | true",
            "HTTP/1.1 | close                 | false",
            "HTTP/1.1 | Close                 | false",
            "HTTP/1.1 | keep-alive, close     | false",
            "HTTP/1.1 | 'Upgrade ,  CLOSE '   | false",
            "HTTP/1.1 | keep-alive            | true",
            "HTTP/1.1 | Upgrade               | true",
            "HTTP/1.1 | closed                | true",
            "HTTP/1.0 |                       | false",
            "HTTP/1.0 | keep-alive            | true",
            "HTTP/1.0 | Keep-Alive            | true",
            "HTTP/1.0 | close                 | false",
            "HTTP/1.0 | keep-alive, close     | false",
            "HTTP/1.0 | keep-alived           | false",
    })
    void persistenceFollowsVersionAndConnection(String version, String connection, boolean keepAlive) {
        String raw = connection == null
                ? request("GET / " + version, "Host: a")
                : request("GET / " + version, "Host: a", "Connection: " + connection);
        assertEquals(keepAlive, head(raw).keepAlive());
    }

    @Test
    @DisplayName("§9.3: options from several Connection lines count together")
    void combinesConnectionLines() {
        assertEquals(false, head(request("GET / HTTP/1.1", "Host: a", "Connection: keep-alive",
                "connection: close")).keepAlive());
        assertEquals(true, head(request("GET / HTTP/1.0", "Connection: Upgrade", "Connection: keep-alive"))
                .keepAlive());
    }
}
