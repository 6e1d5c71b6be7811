package io.corral.jetty;

import java.io.IOException;
import java.util.function.Supplier;
import org.eclipse.jetty.util.component.Dumpable;

/**
 * One line of {@code server.dump()}, worked out when the dump is taken: how {@link CorralConnector} shows the
 * state of its listener and engine beside Jetty's own beans, without bespoke dump code per part.
 */
final class DumpLine implements Dumpable {

    private final Supplier<String> line;

    DumpLine(Supplier<String> line) {
        this.line = line;
    }

    @Override
    public void dump(Appendable out, String indent) throws IOException {
        Dumpable.dumpObject(out, this);
    }

    @Override
    public String toString() {
        return line.get();
    }
}
