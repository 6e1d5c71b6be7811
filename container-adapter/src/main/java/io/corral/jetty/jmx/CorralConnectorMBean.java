package io.corral.jetty.jmx;

import io.corral.jetty.CorralConnector;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.jmx.AbstractConnectorMBean;

/**
 * The MBean Jetty's {@code MBeanContainer} makes for a {@link CorralConnector} (it finds this class by name:
 * {@code <package>.jmx.<Class>MBean}). Its attributes and operations are the connector's
 * {@code @ManagedAttribute}s and {@code @ManagedOperation}s, as for any Jetty component; what it adds is the
 * name. Left to itself the container would name the connector after its class,
 * {@code io.corral.jetty:type=corralconnector,…}, where no dashboard built for Jetty looks. It is registered
 * instead under the name a {@code ServerConnector} gets — domain {@code org.eclipse.jetty.server},
 * {@code type=serverconnector}, the same {@code context} and {@code name} keys — plus one key,
 * {@code engine=corral}, so that a query for {@code org.eclipse.jetty.server:type=serverconnector,*} finds it
 * beside stock connectors and an operator can still tell which is which.
 */
public class CorralConnectorMBean extends AbstractConnectorMBean {

    /** The key that tells a Corral connector from a stock one sharing its domain and type. */
    public static final String ENGINE_KEY = "engine";

    public CorralConnectorMBean(Object managedObject) {
        super(managedObject);
    }

    @Override
    public ObjectName getObjectName() {
        MBeanContainer container = getMBeanContainer();
        String domain = container != null && container.getDomain() != null ? container.getDomain()
                : "org.eclipse.jetty.server";
        StringBuilder basis = new StringBuilder(domain).append(":type=serverconnector");
        String name = makeName(getObjectNameBasis());
        if (name != null && !name.isBlank()) {
            basis.append(",name=").append(name);
        }
        String context = context(container);
        if (context != null && !context.isBlank()) {
            basis.append(",context=").append(context);
        }
        basis.append(',').append(ENGINE_KEY).append("=corral");
        MBeanServer server = container != null ? container.getMBeanServer() : ManagementFactory.getPlatformMBeanServer();
        try {
            // The first free id, as the container numbers the names it makes itself: several Corral connectors
            // with the same context stay apart.
            for (int id = 0; ; id++) {
                ObjectName candidate = ObjectName.getInstance(basis + ",id=" + id);
                if (!server.isRegistered(candidate)) {
                    return candidate;
                }
            }
        } catch (MalformedObjectNameException e) {
            return null; // the container then names it after its class
        }
    }

    /**
     * The context key as the container makes it for a connector: the connector's own basis (its name, else its
     * protocols) under its server's context ({@code oejs_Server@1b2c3d/h1}). JmxTest compares it with a
     * ServerConnector's, so a Jetty that changes the rule fails that test rather than dashboards.
     */
    private String context(MBeanContainer container) {
        String own = makeName(getObjectContextBasis());
        ObjectName parent = container == null ? null : container.findMBean(getManagedObject().getServer());
        String parentContext = parent == null ? null : parent.getKeyProperty("context");
        if (own == null || own.isBlank()) {
            return parentContext;
        }
        return parentContext == null || parentContext.isBlank() ? own : parentContext + "/" + own;
    }

    private String makeName(String basis) {
        MBeanContainer container = getMBeanContainer();
        if (basis == null || container == null) {
            return basis;
        }
        return container.makeName(basis);
    }
}
