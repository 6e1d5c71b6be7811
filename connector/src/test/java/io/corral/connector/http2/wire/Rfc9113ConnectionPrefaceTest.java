package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9113 §3.4 HTTP/2 Connection Preface, §6.5.3 Settings Synchronization and §6.7 PING, on the wire. */
class Rfc9113ConnectionPrefaceTest {

    private static final Http2Config CONFIG = Http2Config.DEFAULTS;

    @Test
    void theServerPrefaceIsSettingsWithCorralsLimitsAndTheClientsSettingsAreAcknowledged() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            Http2Frame.Settings settings = client.handshake();
            assertTrue(settings.settings().contains(new Http2Frame.Setting(
                    Http2Frame.Settings.MAX_CONCURRENT_STREAMS, 100)), settings.toString());
            assertTrue(settings.settings().contains(new Http2Frame.Setting(
                    Http2Frame.Settings.MAX_HEADER_LIST_SIZE, 8192)), settings.toString());
            assertTrue(settings.settings().contains(new Http2Frame.Setting(Http2Frame.Settings.ENABLE_PUSH, 0)));
        }
    }

    @Test
    void anInvalidPrefaceIsAProtocolError() throws Exception {
        // "Clients and servers MUST treat an invalid connection preface as a connection error of type
        // PROTOCOL_ERROR."
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.goAway().errorCode());
        }
    }

    @Test
    void aPrefaceNotFollowedBySettingsIsAProtocolError() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.sendRaw(H2Client.PREFACE);
            client.send(new Http2Frame.Ping(false, 1));
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.goAway().errorCode());
        }
    }

    @Test
    void settingsNotAcknowledgedInTimeEndTheConnection() throws Exception {
        // §6.5.3: "If the sender of a SETTINGS frame does not receive an acknowledgment within a reasonable amount
        // of time, it MAY issue a connection error of type SETTINGS_TIMEOUT."
        try (H2TestServer server = new H2TestServer(CONFIG.withSettingsTimeout(Duration.ofMillis(300)),
                exchange -> exchange.response().end()); H2Client client = server.connect()) {
            client.sendRaw(H2Client.PREFACE);
            client.send(new Http2Frame.Settings(false, List.of()));
            assertEquals(Http2ErrorCode.SETTINGS_TIMEOUT.code(), client.goAway().errorCode());
        }
    }

    @Test
    void aPingIsAnsweredWithTheSameEightOctets() throws Exception {
        // §6.7: "Receivers of a PING frame that does not include an ACK flag MUST send a PING frame with the ACK
        // flag set in response, with an identical frame payload."
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.send(new Http2Frame.Ping(false, 0x0102030405060708L));
            assertEquals(new Http2Frame.Ping(true, 0x0102030405060708L),
                    client.nextMatching(f -> f instanceof Http2Frame.Ping));
        }
    }

    @Test
    void aPingAckFromTheClientIsNotAnswered() throws Exception {
        // §6.7: "Receivers of a PING frame that has the ACK flag set MUST NOT respond"; an unsolicited one is no
        // error either.
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.send(new Http2Frame.Ping(true, 5));
            assertEquals(List.of(), client.framesBeforePingAck(6), "no answer to the ACK, no error");
        }
    }

    @Test
    void aFrameOverMaxFrameSizeIsAFrameSizeError() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, H2Client.get("/"), false);
            client.send(new Http2Frame.Data(1, new byte[16_385], true));
            assertEquals(Http2ErrorCode.FRAME_SIZE_ERROR.code(), client.goAway().errorCode());
        }
    }

    @Test
    void goAwayNamesTheLastStreamProcessed() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, H2Client.get("/"), true);
            client.response(1);
            client.sendRaw(ByteBuffer.allocate(9).put(new byte[] {0, 0, 0, 9, 0, 0, 0, 0, 3}).array());
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), goAway.errorCode(), "CONTINUATION out of a block");
            assertEquals(1, goAway.lastStreamId());
        }
    }
}
