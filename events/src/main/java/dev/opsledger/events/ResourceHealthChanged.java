package dev.opsledger.events;

import java.time.Instant;

/**
 * The health of a live resource changed. The state-collector computes it from the whole live
 * object, {@code status} included (which {@link ObservedStateChanged} leaves out), and writes this
 * event only when the health differs from the last one it reported for the resource; a status-only
 * change that keeps the health emits nothing. Keyed by the resource on {@code opsledger.observed},
 * after the {@link ObservedStateChanged} of the same sighting.
 *
 * @param resource the resource
 * @param observedAt when the collector saw it
 * @param health the health now
 * @param previous the health last reported, or {@code null} for the first report since the
 *     collector started (or since the resource was absent)
 * @param reason the rule that decided, e.g. {@code DeploymentRollout}, {@code Condition:Ready},
 *     {@code Custom}, {@code Exists}
 * @param message why, for people, e.g. "2 of 3 updated replicas are available"; may be empty
 * @param resourceVersion the API's version of the object that was assessed, empty when none
 */
public record ResourceHealthChanged(
    ResourceKey resource,
    Instant observedAt,
    HealthStatus health,
    HealthStatus previous,
    String reason,
    String message,
    String resourceVersion)
    implements ResourceEvent {

  /** Checks the required fields. */
  public ResourceHealthChanged {
    Require.present("resource", resource);
    Require.present("observedAt", observedAt);
    Require.present("health", health);
    Require.text("reason", reason);
    message = message == null ? "" : message;
    resourceVersion = resourceVersion == null ? "" : resourceVersion;
  }
}
