package io.corral.connector.stream;

import io.corral.connector.listener.Hibernation;
import io.corral.connector.transport.TransportConnection;
import java.nio.ByteBuffer;

/**
 * What runs on a connection after a successful 101 Switching Protocols, on the connection's own thread
 * (Cowboy's switch to {@code cowboy_websocket}). The HTTP engine is done with the connection by then.
 */
@FunctionalInterface
public interface ConnectionUpgrade {

    /**
     * @param connection the connection, with read timeout cleared
     * @param leftover   bytes the client sent after the request head that the HTTP engine already read
     *                   (a client may pipeline its first frame behind the handshake); may be empty
     * @return null when the connection is done, or where it carries on after hibernating
     */
    Hibernation takeOver(TransportConnection connection, ByteBuffer leftover) throws Exception;
}
