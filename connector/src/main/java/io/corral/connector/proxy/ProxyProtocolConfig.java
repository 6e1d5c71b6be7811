package io.corral.connector.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ProxyProtocolTransport} reads PROXY protocol headers. Every limit is finite:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code mode}</td><td>{@link ProxyProtocolMode#REQUIRED}</td><td>whether a header must come; see
 *       {@link ProxyProtocolMode} (a listener without this transport has none: off)</td></tr>
 *   <tr><td>{@code headerTimeout}</td><td>5 s</td><td>how long the whole header may take to arrive from accept,
 *       however it trickles in; a proxy writes it with its connect, so this only bounds a broken or hostile
 *       peer (Cowboy allows 1 s; this leaves room for a loaded proxy host)</td></tr>
 *   <tr><td>{@code maxV2Length}</td><td>{@value ProxyHeaderParser#DEFAULT_MAX_V2_LENGTH}</td><td>most bytes of a
 *       version 2 header past its 16-byte fixed part (version 1 is always at most 107 bytes)</td></tr>
 *   <tr><td>{@code trustSsl}</td><td>false</td><td>whether a header saying the client spoke TLS to the proxy
 *       ({@code PP2_CLIENT_SSL}) makes the connection count as secure (HTTPS scheme, {@code isSecure()}). Only
 *       the operator knows that the proxy checks it: off unless said so</td></tr>
 * </table>
 *
 * @param mode          {@link ProxyProtocolMode#REQUIRED} or {@link ProxyProtocolMode#OPTIONAL}
 * @param headerTimeout positive
 * @param maxV2Length   0 to 65535
 * @param trustSsl      whether {@code PP2_CLIENT_SSL} marks the connection secure
 */
public record ProxyProtocolConfig(ProxyProtocolMode mode, Duration headerTimeout, int maxV2Length, boolean trustSsl) {

    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);

    public ProxyProtocolConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        if (mode == ProxyProtocolMode.OFF) {
            throw new IllegalArgumentException("a PROXY protocol transport reads headers: mode must not be OFF");
        }
        if (headerTimeout.isNegative() || headerTimeout.isZero()) {
            throw new IllegalArgumentException("headerTimeout must be positive: " + headerTimeout);
        }
        if (maxV2Length < 0 || maxV2Length > 0xFFFF) {
            throw new IllegalArgumentException("maxV2Length must be within 0..65535: " + maxV2Length);
        }
    }

    /** Required headers, the defaults above. */
    public static ProxyProtocolConfig required() {
        return new ProxyProtocolConfig(ProxyProtocolMode.REQUIRED, DEFAULT_HEADER_TIMEOUT,
                ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH, false);
    }

    public ProxyProtocolConfig withMode(ProxyProtocolMode mode) {
        return new ProxyProtocolConfig(mode, headerTimeout, maxV2Length, trustSsl);
    }

    public ProxyProtocolConfig withHeaderTimeout(Duration headerTimeout) {
        return new ProxyProtocolConfig(mode, headerTimeout, maxV2Length, trustSsl);
    }

    public ProxyProtocolConfig withMaxV2Length(int maxV2Length) {
        return new ProxyProtocolConfig(mode, headerTimeout, maxV2Length, trustSsl);
    }

    public ProxyProtocolConfig withTrustSsl(boolean trustSsl) {
        return new ProxyProtocolConfig(mode, headerTimeout, maxV2Length, trustSsl);
    }
}
