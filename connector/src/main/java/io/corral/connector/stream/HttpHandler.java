package io.corral.connector.stream;

/**
 * The native request handler: Cowboy's stream handler in one method. Called once per request, on that
 * request's own new virtual thread, so it may block. When it returns the response is finished (an
 * uncommitted response becomes a 200 with what was written). When it throws, an uncommitted response
 * becomes a 500 and a committed one is cut off by closing the connection.
 */
@FunctionalInterface
public interface HttpHandler {

    void handle(HttpExchange exchange) throws Exception;

    /**
     * The connection this handler serves is idle between requests and hibernates: a handler that keeps
     * per-connection state may drop what it can rebuild, since an idle connection should hold almost
     * nothing. Called on the connection's thread, never while a request runs. Nothing by default.
     */
    default void connectionHibernating() {
    }
}
