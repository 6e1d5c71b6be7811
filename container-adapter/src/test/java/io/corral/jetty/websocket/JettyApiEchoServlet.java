package io.corral.jetty.websocket;

import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;

/** An echo on Jetty's own WebSocket API (ee10 {@link JettyWebSocketServlet}), answering {@code jetty-api:<text>}. */
public class JettyApiEchoServlet extends JettyWebSocketServlet {

    @WebSocket
    public static class Echo {
        @OnWebSocketMessage
        public void text(Session session, String text) {
            session.sendText("jetty-api:" + text, Callback.NOOP);
        }
    }

    @Override
    protected void configure(JettyWebSocketServletFactory factory) {
        factory.register(Echo.class);
    }
}
