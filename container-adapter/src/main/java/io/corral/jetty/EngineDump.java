package io.corral.jetty;

import io.corral.connector.http1.Http1Protocol;
import java.io.IOException;
import java.util.function.Supplier;
import org.eclipse.jetty.util.component.Dumpable;

/**
 * The HTTP/1.1 engine behind a {@link CorralConnector}, as a line of {@code server.dump()}: the requests it
 * refused itself by status (each is logged at DEBUG only, so this is where an operator sees them), and
 * whether it is draining.
 */
final class EngineDump implements Dumpable {

    private final Supplier<Http1Protocol> protocol;

    EngineDump(Supplier<Http1Protocol> protocol) {
        this.protocol = protocol;
    }

    @Override
    public void dump(Appendable out, String indent) throws IOException {
        Dumpable.dumpObject(out, this);
    }

    @Override
    public String toString() {
        Http1Protocol current = protocol.get();
        if (current == null) {
            return "CorralHttp1{not started}";
        }
        return "CorralHttp1{badRequests=" + current.badRequests().total() + " (" + current.badRequests() + ")"
                + ", draining=" + current.isDraining() + "}";
    }
}
