package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.corral.connector.http2.Http2Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.http2.WindowRateControl;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The h2c configuration a Jetty user writes for ServerConnector — an {@code HTTP2CServerConnectionFactory} beside the
 * {@code HttpConnectionFactory} — configures Corral's own HTTP/2 the same way: what the client is told in SETTINGS
 * matches ServerConnector's, with Jetty's defaults and with settings changed, and {@code getProtocols()} names h2c
 * on both. Without the factory a CorralConnector speaks HTTP/1.1 only, as before.
 */
class Http2SettingsDifferentialTest {

    /** Settings whose value both servers must advertise alike; a missing one has its RFC 9113 §6.5.2 default. */
    private static final Map<Integer, Integer> RFC_DEFAULTS = Map.of(
            SettingsFrame.HEADER_TABLE_SIZE, 4096,
            SettingsFrame.MAX_CONCURRENT_STREAMS, Integer.MAX_VALUE,
            SettingsFrame.INITIAL_WINDOW_SIZE, 65_535,
            SettingsFrame.MAX_FRAME_SIZE, 16_384,
            SettingsFrame.MAX_HEADER_LIST_SIZE, Integer.MAX_VALUE);

    private static TreeMap<Integer, Integer> advertised(ServletServer server) throws Exception {
        HTTP2Client client = new HTTP2Client();
        client.start();
        try {
            CompletableFuture<Map<Integer, Integer>> settings = new CompletableFuture<>();
            Session session = client.connect(new InetSocketAddress("127.0.0.1", server.port()), new Session.Listener() {
                @Override
                public void onSettings(Session session, SettingsFrame frame) {
                    settings.complete(frame.getSettings());
                }
            }).get(30, TimeUnit.SECONDS);
            Map<Integer, Integer> sent = settings.get(30, TimeUnit.SECONDS);
            session.close(0, "done", org.eclipse.jetty.util.Callback.NOOP);
            TreeMap<Integer, Integer> effective = new TreeMap<>();
            RFC_DEFAULTS.forEach((key, fallback) -> effective.put(key, sent.getOrDefault(key, fallback)));
            return effective;
        } finally {
            client.stop();
        }
    }

    private static TreeMap<Integer, Integer> advertised(ConnectorKind kind, Consumer<HttpConfiguration> http,
            Consumer<HTTP2CServerConnectionFactory> h2) throws Exception {
        try (ServletServer server = ServletServer.on(kind).http(http).h2c(h2).start()) {
            return advertised(server);
        }
    }

    @Test
    void jettyDefaultsAdvertisedAlike() throws Exception {
        assertEquals(advertised(ConnectorKind.JETTY, http -> { }, h2 -> { }),
                advertised(ConnectorKind.CORRAL, http -> { }, h2 -> { }));
    }

    @Test
    void changedSettingsAdvertisedAlike() throws Exception {
        Consumer<HttpConfiguration> http = configuration -> configuration.setRequestHeaderSize(6000);
        Consumer<HTTP2CServerConnectionFactory> h2 = factory -> {
            factory.setMaxConcurrentStreams(17);
            factory.setInitialStreamRecvWindow(100_000);
            factory.setMaxFrameSize(32_768);
            factory.setMaxDecoderTableCapacity(2048);
        };
        TreeMap<Integer, Integer> expected = advertised(ConnectorKind.JETTY, http, h2);
        assertEquals(Map.of(SettingsFrame.HEADER_TABLE_SIZE, 2048, SettingsFrame.MAX_CONCURRENT_STREAMS, 17,
                SettingsFrame.INITIAL_WINDOW_SIZE, 100_000, SettingsFrame.MAX_FRAME_SIZE, 32_768,
                SettingsFrame.MAX_HEADER_LIST_SIZE, 6000), expected);
        assertEquals(expected, advertised(ConnectorKind.CORRAL, http, h2));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void protocolsNameH2c(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).h2c().start()) {
            assertEquals(List.of("http/1.1", "h2c"), server.connector().getProtocols());
        }
        try (ServletServer server = ServletServer.on(kind).start()) {
            assertEquals(List.of("http/1.1"), server.connector().getProtocols());
        }
    }

    /** Settings that are not in SETTINGS: timeouts and the flood limits Jetty's rate control maps to. */
    @Test
    void timeoutsAndRateControlMap() {
        CorralConnector connector = new CorralConnector(new Server());
        connector.setIdleTimeout(12_345);
        HTTP2CServerConnectionFactory factory = new HTTP2CServerConnectionFactory(new HttpConfiguration());

        Http2ConfigMapping.Mapped defaults = Http2ConfigMapping.from(factory, connector);
        assertEquals(Duration.ofMillis(12_345), defaults.config().idleTimeout());
        assertEquals(Duration.ofMillis(12_345), defaults.config().streamStallTimeout(), "stalls end at the idle timeout");
        assertEquals(0, defaults.streamIdleTimeoutMs());
        // Jetty's default rate (128 events/s) leaves Corral's own, stricter flood limits in place.
        assertEquals(Http2Config.DEFAULTS.maxResetsPerWindow(), defaults.config().maxResetsPerWindow());
        assertEquals(Http2Config.DEFAULTS.floodWindow(), defaults.config().floodWindow());

        factory.setStreamIdleTimeout(7_000);
        factory.setRateControlFactory(new WindowRateControl.Factory(50));
        Http2ConfigMapping.Mapped changed = Http2ConfigMapping.from(factory, connector);
        assertEquals(7_000, changed.streamIdleTimeoutMs());
        assertEquals(Duration.ofMillis(7_000), changed.config().streamStallTimeout());
        assertEquals(50, changed.config().maxResetsPerWindow());
        assertEquals(50, changed.config().maxControlFramesPerWindow());
        assertEquals(Duration.ofSeconds(1), changed.config().floodWindow());

        assertThrows(IllegalStateException.class,
                () -> Http2ConfigMapping.from(new HttpConnectionFactory(), connector), "not an HTTP/2 factory");
    }
}
