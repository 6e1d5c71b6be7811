/**
 * {@link io.corral.jetty.CorralConnector}: Corral's core under Jetty 12.1's handlers, a drop-in for
 * {@code new ServerConnector(server)}.
 *
 * <h2>How a request travels</h2>
 * Corral's listener accepts; each connection runs on a virtual thread of its own, where Corral's HTTP/1.1
 * engine parses. Per connection, a {@code CorralEndPoint} (a real jetty-io {@code EndPoint} over the
 * socket) carries a {@code CorralHttpConnection}, which is both the jetty-io {@code Connection} and the
 * {@code ConnectionMetaData}, holds one recycled {@code HttpChannel}, and is the per-connection handler the
 * engine calls on each request's own new virtual thread. There a {@code CorralHttpStream} (Jetty's
 * {@code HttpStream}) is built, the request metadata is translated ({@code RequestMetaData}, raw URI),
 * Jetty's handlers run, and the thread parks until Jetty completes the stream (at most one park/unpark).
 * Upgrades (WebSocket) take the socket over at {@code succeeded()}: a Jetty WebSocket session runs on
 * Corral's frame parser and writer ({@code io.corral.jetty.websocket}); any other upgraded connection runs
 * on the same endpoint.
 *
 * <h2>Options</h2>
 * <table>
 *   <caption>CorralConnector settings (read at start unless noted)</caption>
 *   <tr><th>setting</th><th>default</th><th>notes</th></tr>
 *   <tr><td>host / port</td><td>all interfaces / 0</td><td>port 0 binds an ephemeral port:
 *       {@code getLocalPort()} after start</td></tr>
 *   <tr><td>idleTimeout</td><td>30 000 ms</td><td>the engine's idle and header timeout</td></tr>
 *   <tr><td>acceptors</td><td>2</td><td>Corral acceptor threads; 0 or less means 2</td></tr>
 *   <tr><td>acceptQueueSize</td><td>0 = 1024</td><td>the kernel backlog</td></tr>
 *   <tr><td>maxConnections</td><td>10 000</td><td>at the limit, clients wait in the backlog; changeable
 *       while running</td></tr>
 *   <tr><td>HttpConfiguration</td><td>Jetty's</td><td>requestHeaderSize (414/431 limits),
 *       response header size, output buffer size, Server/Date headers, persistent connections, URI and
 *       HTTP compliance, customizers</td></tr>
 * </table>
 *
 * <h2>What differs from ServerConnector, on purpose</h2>
 * <ul>
 *   <li>Parsing is Corral's and strict (RFC 9112) whatever {@code HttpCompliance} says: bad request line,
 *       bare CR, obs-fold, whitespace before a colon, Content-Length with Transfer-Encoding → 400; an
 *       unknown transfer coding → 501; a version other than 1.x → 505; a target over
 *       {@code requestHeaderSize} → 414, a head over it → 431; more than 100 header fields → 431. These
 *       answers come from the engine (plain text, {@code Connection: close}), not Jetty's error handler.
 *       The request-level compliance checks Jetty makes after parsing (Host vs authority, URI compliance)
 *       are still Jetty's.</li>
 *   <li>The engine owns {@code Connection}, {@code Transfer-Encoding} and {@code Content-Length}
 *       framing: it says {@code Connection: close} explicitly to HTTP/1.0 clients too, and a HEAD
 *       response carries no {@code Transfer-Encoding} header.</li>
 *   <li>{@code Expect: 100-continue} is answered by the engine when the application first reads or
 *       demands the body (Jetty's own interim-response path is not used).</li>
 *   <li>A request body left unread with up to 64 KiB still to come is read and dropped after the
 *       response to keep the connection; more, or an unknown amount, closes it.</li>
 *   <li>Graceful shutdown closes idle keep-alive connections at once (Jetty waits for its shutdown idle
 *       timeout).</li>
 *   <li>Timeouts while a request runs are the engine's (connector idle timeout on each read and write);
 *       {@code HttpConfiguration.setIdleTimeout} only sets the endpoint's timer, which never closes a
 *       connection with an exchange in progress.</li>
 *   <li>TLS is Corral's transport: an {@code SslConnectionFactory} configures it (its {@code SslContextFactory}
 *       makes the engines), Jetty's {@code SslConnection} never runs. Behind an {@code ALPNServerConnectionFactory}
 *       that lists no protocols, ALPN prefers h2 to http/1.1 whatever order the factories were added in; a client
 *       offering no ALPN gets HTTP/1.1 whatever the factory's default protocol.</li>
 * </ul>
 */
package io.corral.jetty;
