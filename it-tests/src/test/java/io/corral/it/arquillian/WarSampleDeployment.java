package io.corral.it.arquillian;

import io.corral.sample.http.PlaintextServlet;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The war-sample rebuilt by ShrinkWrap from its classes: servlets and endpoints found by annotation
 * scanning, no web.xml, exactly as in the real WAR.
 */
public final class WarSampleDeployment {

    private WarSampleDeployment() {
    }

    /** A fresh archive named {@code name} (e.g. {@code war-sample.war}, deployed at {@code /war-sample}). */
    public static WebArchive create(String name) {
        String root = PlaintextServlet.class.getPackageName();
        return ShrinkWrap.create(WebArchive.class, name)
                .addPackages(true, root.substring(0, root.lastIndexOf('.')));
    }
}
