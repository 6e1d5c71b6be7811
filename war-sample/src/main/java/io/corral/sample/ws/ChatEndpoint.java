package io.corral.sample.ws;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

/**
 * {@code /ws/chat/{room}}: every JSON {@link ChatMessage} a member sends is broadcast to all members of
 * the same room, the sender included. On joining, the new member alone receives
 * {@code {"from":"server","text":"joined <room>"}}: it is sent after the member is registered, so a client
 * that has seen it knows it will receive every later broadcast (the tests rely on that ordering). A text
 * message that is not chat JSON fails in {@link ChatMessageDecoder}, and the container then closes that
 * member's session with 1003 (cannot accept).
 */
@ServerEndpoint(
        value = "/ws/chat/{room}",
        encoders = ChatMessageEncoder.class,
        decoders = ChatMessageDecoder.class)
public final class ChatEndpoint {

    /** The sender name of messages the server itself writes. */
    public static final String SERVER = "server";

    // One registry per web application: the container makes a new endpoint instance per session, and the
    // class (hence this field) belongs to the web application's class loader.
    private static final ChatRooms ROOMS = new ChatRooms();

    @OnOpen
    public void onOpen(Session session, @PathParam("room") String room) {
        ROOMS.join(room, session);
        ChatRooms.send(session, new ChatMessage(SERVER, "joined " + room));
    }

    @OnMessage
    public void onMessage(ChatMessage message, @PathParam("room") String room) {
        ROOMS.broadcast(room, message);
    }

    @OnClose
    public void onClose(Session session, @PathParam("room") String room) {
        ROOMS.leave(room, session);
    }

    /** A failed session leaves its room at once rather than waiting for the close to be noticed. */
    @OnError
    public void onError(Session session, Throwable failure, @PathParam("room") String room) {
        ROOMS.leave(room, session);
    }
}
