package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.jetty.Http2StreamIdDifferentialTest.GoAway;
import io.corral.jetty.Http2StreamIdDifferentialTest.RawH2;
import java.io.IOException;
import java.net.SocketException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Floods of cheap frames (CVE-2019-9512/9513/9515/9516/9518 family) against ServerConnector (Jetty's HTTP/2 rate
 * control) and CorralConnector (Corral's own limit, SECURITY.md), the same raw frames to both after one answered GET
 * on stream 1: both end the connection with GOAWAY ENHANCE_YOUR_CALM. Two thousand frames at once pass either
 * limit (Jetty's 128 a second, Corral's 1,000 per 10 s). Frames that make no answer only: a PING flood makes Jetty
 * queue its answers, and the close that follows its GOAWAY may reset the connection before the GOAWAY leaves it
 * (Corral's PING limit: {@code Http2AttackLimitsTest}).
 */
class Http2CheapFrameFloodDifferentialTest {

    private static final int ENHANCE_YOUR_CALM = 0xb;
    private static final int FLOOD = 2000;

    static Stream<Arguments> floods() {
        return Stream.of(
                Arguments.of("PRIORITY", 0x2, 0, 1, new byte[] {0, 0, 0, 0, 15}),
                Arguments.of("WINDOW_UPDATE on a closed stream", 0x8, 0, 1, new byte[] {0, 0, 0, 1}),
                Arguments.of("an unknown frame type", 0x77, 0, 0, new byte[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("floods")
    void aFloodEndsTheConnectionWithEnhanceYourCalmOnBoth(String kind, int type, int flags, int streamId,
            byte[] payload) throws Exception {
        for (ConnectorKind connector : ConnectorKind.values()) {
            try (ServletServer server = ServletServer.on(connector).h2c()
                    .servlet("/", new Http2StreamIdDifferentialTest.Ok()).start();
                    RawH2 client = new RawH2(server.port())) {
                client.get(1);
                client.awaitEnd(1);
                try {
                    for (int i = 0; i < FLOOD; i++) {
                        client.frame(type, flags, streamId, payload);
                    }
                } catch (SocketException closedUnderTheFlood) {
                    // the server may close while the flood is still being written: its GOAWAY is read below
                }
                GoAway goAway = client.goAway();
                assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), connector + ": " + kind + " " + goAway);
            } catch (IOException e) {
                throw new AssertionError(connector + ": " + kind, e);
            }
        }
    }
}
