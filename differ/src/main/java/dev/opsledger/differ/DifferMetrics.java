package dev.opsledger.differ;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The registry the differ's meters go to, wrapped so that the differ does not add a second {@code
 * MeterRegistry} bean to a context it shares with other services.
 *
 * @param registry the registry
 */
public record DifferMetrics(MeterRegistry registry) {}
