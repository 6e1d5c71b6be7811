/**
 * Corral's own WebSocket engine: RFC 6455 framing and RFC 7692 permessage-deflate, the handshake, and a
 * native API in the spirit of Cowboy's {@code cowboy_websocket}. No Jetty here.
 *
 * <p>An {@link io.corral.connector.stream.HttpHandler} upgrades a request with
 * {@link io.corral.connector.websocket.WebSocketUpgrade#upgrade}: invalid handshakes are answered 400 or 426
 * there, a valid one gets its 101, and the connection's own virtual thread then runs a
 * {@link io.corral.connector.websocket.WebSocketConnection} that hands whole messages to a
 * {@link io.corral.connector.websocket.WebSocketHandler}, in order, on that thread. Handlers send through
 * their {@link io.corral.connector.websocket.WebSocketSession} from any thread; a send blocks while the
 * client is slow to read, up to the send timeout. Every limit and timeout, with its default, is on
 * {@link io.corral.connector.websocket.WebSocketConfig}.
 *
 * <p>For a caller with its own session and extension stack (a bridge under Jetty's WebSocket layer), the
 * frame-level pieces stand alone: {@link io.corral.connector.websocket.FrameParser} (incremental, with a
 * pass-through mode that reports RSV bits and masking as received), {@link io.corral.connector.websocket.Frame},
 * {@link io.corral.connector.websocket.FrameWriter}, {@link io.corral.connector.websocket.Utf8Validator},
 * {@link io.corral.connector.websocket.WebSocketHandshake} and
 * {@link io.corral.connector.websocket.DeflateNegotiation}.
 *
 * <p>Memory: an idle connection keeps its send locks and a few small objects; its 256-byte read buffer
 * exists from the first byte until the connection has been quiet for
 * {@link io.corral.connector.websocket.WebSocketConfig#hibernateAfter()} (Cowboy's {@code hibernate}).
 * Message buffers exist while a message is in flight, pooled 16 KiB chunks only while a large frame is
 * written or a large compressed frame read, zlib state only once a compressed message was seen (and, without
 * context takeover, only during a message). The largest part of an idle connection is not here but in the
 * JDK: its virtual thread's parked stack and its socket; {@code bench/run-idle-memory} measures it all.
 */
package io.corral.connector.websocket;
