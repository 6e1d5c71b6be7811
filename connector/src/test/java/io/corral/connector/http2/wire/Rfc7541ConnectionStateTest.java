package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static io.corral.connector.http2.wire.H2Client.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RFC 7541's dynamic table is connection state (RFC 9113 §4.3: "Each field block is processed as a discrete unit
 * ... A receiver MUST terminate the connection with a connection error of type COMPRESSION_ERROR if it does not
 * decompress a field block"): the server decodes every field block, also those of streams it refuses, resets or
 * answers 431, so that the client's next block, which may name the entries those added, decodes the same on both
 * sides; and a block that cannot be decoded ends the connection.
 */
class Rfc7541ConnectionStateTest {

    /** Echoes the {@code x-state} field the handler received. */
    private static H2TestServer server(Http2Config config, CountDownLatch release) throws Exception {
        return new H2TestServer(config, exchange -> {
            if (exchange.request().target().equals("/held")) {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            }
            String state = String.valueOf(exchange.request().headers().get("x-state"));
            exchange.response().write(ByteBuffer.wrap(state.getBytes(StandardCharsets.US_ASCII)), true);
        });
    }

    @Test
    void aRefusedStreamsFieldBlockStillEntersTheTable() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (H2TestServer server = server(Http2Config.DEFAULTS.withMaxConcurrentStreams(1), release);
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/held"), true);
            client.request(3, with(get("/"), "x-state", "added-by-a-refused-stream"), true); // a literal, indexed
            assertEquals(Http2ErrorCode.REFUSED_STREAM.code(), client.reset(3).errorCode());
            release.countDown();
            assertEquals("null", client.response(1).body());
            client.request(5, with(get("/"), "x-state", "added-by-a-refused-stream"), true); // now an index
            assertEquals("added-by-a-refused-stream", client.response(5).body());
        }
    }

    @Test
    void aMalformedStreamsFieldBlockStillEntersTheTable() throws Exception {
        try (H2TestServer server = server(Http2Config.DEFAULTS, new CountDownLatch(0));
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, with(with(get("/"), "x-state", "added-by-a-malformed-stream"), "connection", "close"),
                    true);
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.reset(1).errorCode());
            client.request(3, with(get("/"), "x-state", "added-by-a-malformed-stream"), true);
            assertEquals("added-by-a-malformed-stream", client.response(3).body());
        }
    }

    @Test
    void aFieldBlockThatDoesNotDecodeIsACompressionError() throws Exception {
        try (H2TestServer server = server(Http2Config.DEFAULTS, new CountDownLatch(0));
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            client.response(1);
            // 0xFF 0x7F: an indexed field naming entry 127 + 127, far past the static and dynamic tables (§2.3.3:
            // "Indices strictly greater than the sum of the lengths of both tables MUST be treated as a decoding
            // error").
            client.send(new Http2Frame.Headers(3, new byte[] {(byte) 0xFF, 0x7F}, true, true));
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.COMPRESSION_ERROR.code(), goAway.errorCode());
            assertEquals(1, goAway.lastStreamId());
        }
    }
}
