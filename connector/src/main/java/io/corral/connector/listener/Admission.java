package io.corral.connector.listener;

/**
 * What a {@link Protocol} may ask its listener about admission: whether the house is near full. Answered from a
 * volatile field the supervisor keeps current, so a protocol may ask as often as bytes arrive.
 */
@FunctionalInterface
public interface Admission {

    /** Never near full: for a protocol served outside a listener. */
    Admission ROOMY = () -> false;

    /**
     * Whether the live connections have reached the high-water mark, 9/10 of {@code maxConnections} (all of it for
     * a limit under 10); false when there is no limit.
     */
    boolean nearFull();
}
