package io.corral.jetty.demo;

import java.nio.file.Path;
import org.eclipse.jetty.ee10.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketConfiguration;

/**
 * A WAR (file or exploded directory) as an ee10 {@link WebAppContext} configured the way a stock
 * jetty-home with the {@code ee10-deploy} and {@code ee10-websocket-jakarta} modules would deploy it:
 * annotation scanning finds {@code @WebServlet}s, and the Jakarta WebSocket container initializer finds
 * {@code @ServerEndpoint}s. Used by the demo launcher and by the project's Arquillian container.
 */
public final class AnnotatedWar {

    private AnnotatedWar() {
    }

    /** A context for {@code war} at {@code contextPath} ({@code "/"} for the root), ready to be started. */
    public static WebAppContext context(Path war, String contextPath) {
        WebAppContext context = new WebAppContext();
        context.setContextPath(contextPath);
        context.setWar(war.toAbsolutePath().toString());
        // Both are also found through ServiceLoader when on the class path; naming them makes the demo fail
        // at compile time, not silently at run time (no servlets, 404s), when a dependency goes missing.
        context.addConfiguration(new AnnotationConfiguration(), new JakartaWebSocketConfiguration());
        return context;
    }
}
