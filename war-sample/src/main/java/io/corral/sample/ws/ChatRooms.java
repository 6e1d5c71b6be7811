package io.corral.sample.ws;

import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in which chat room. A room exists while it has members; broadcasting sends one message to every
 * open member session without waiting, so one slow reader never holds up the sender or the other members.
 */
final class ChatRooms {

    private static final System.Logger LOG = System.getLogger(ChatRooms.class.getName());

    private final ConcurrentHashMap<String, Set<Session>> rooms = new ConcurrentHashMap<>();

    void join(String room, Session session) {
        rooms.computeIfAbsent(room, name -> ConcurrentHashMap.newKeySet()).add(session);
    }

    void leave(String room, Session session) {
        // computeIfPresent removes the empty room atomically, so a concurrent join never lands in a dropped set.
        rooms.computeIfPresent(room, (name, members) -> {
            members.remove(session);
            return members.isEmpty() ? null : members;
        });
    }

    void broadcast(String room, ChatMessage message) {
        Set<Session> members = rooms.get(room);
        if (members == null) {
            return;
        }
        for (Session member : members) {
            send(member, message);
        }
    }

    static void send(Session session, ChatMessage message) {
        if (!session.isOpen()) {
            return;
        }
        session.getAsyncRemote().sendObject(message, (SendResult result) -> {
            if (!result.isOK()) {
                LOG.log(System.Logger.Level.DEBUG, "chat message to session {0} not delivered: {1}",
                        session.getId(), result.getException());
            }
        });
    }
}
