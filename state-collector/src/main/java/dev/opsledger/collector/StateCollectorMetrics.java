package dev.opsledger.collector;

import dev.opsledger.collector.observe.FailureReason;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The collector's meters.
 *
 * <ul>
 *   <li>{@code opsledger.collector.objects.watched} (gauge; target, kind): objects in an informer's
 *       cache or found by the last AWS poll;
 *   <li>{@code opsledger.collector.events.emitted} (counter; target, type, outcome): events sent;
 *   <li>{@code opsledger.collector.observations.unchanged} (counter; target): observations that
 *       were no news;
 *   <li>{@code opsledger.collector.api.errors} (counter; target, kind, reason): failed API calls
 *       and objects that could not be serialised;
 *   <li>{@code opsledger.collector.resync.duration} (timer; target): one full resync or AWS poll;
 *   <li>{@code opsledger.collector.resources.health} (gauge; health): resources whose last reported
 *       health is this one.
 * </ul>
 */
public final class StateCollectorMetrics {

  private final MeterRegistry registry;

  /** Meters in {@code registry}. */
  public StateCollectorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The registry, for components that register their own gauges. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Registers the watched-objects gauge of one kind; returns it so it can be removed. */
  public Gauge watched(String target, String kind, Supplier<Number> count) {
    return Gauge.builder("opsledger.collector.objects.watched", count)
        .tag("target", target)
        .tag("kind", kind)
        .description("objects the collector currently sees, per kind")
        .register(registry);
  }

  /** Registers the gauge of resources last reported with one health. */
  public void health(String health, Supplier<Number> count) {
    Gauge.builder("opsledger.collector.resources.health", count)
        .tag("health", health)
        .description("resources whose last reported health is this one")
        .register(registry);
  }

  /** Removes a gauge registered by {@link #watched}. */
  public void remove(Gauge gauge) {
    registry.remove(gauge);
  }

  /** Counts one event sent or failed. */
  public void emitted(String target, String type, boolean ok) {
    registry
        .counter(
            "opsledger.collector.events.emitted",
            "target",
            target,
            "type",
            type,
            "outcome",
            ok ? "ok" : "error")
        .increment();
  }

  /** Counts one observation that was no news. */
  public void unchanged(String target) {
    registry.counter("opsledger.collector.observations.unchanged", "target", target).increment();
  }

  /** Counts one API error or unserialisable object. */
  public void apiError(String target, String kind, FailureReason reason) {
    registry
        .counter(
            "opsledger.collector.api.errors",
            "target",
            target,
            "kind",
            kind,
            "reason",
            reason.code())
        .increment();
  }

  /**
   * Counts one declared resource whose namespace the cluster ignores: its kind is cluster-scoped
   * (discovery), and its live object is reported under the declared key.
   */
  public void namespaceIgnored(String target, String kind) {
    registry
        .counter("opsledger.collector.namespace.ignored", "target", target, "kind", kind)
        .increment();
  }

  /** Records the duration of one full resync or poll. */
  public void resync(String target, Duration duration) {
    Timer.builder("opsledger.collector.resync.duration")
        .tag("target", target)
        .description("one full resync of a cluster or one poll of an AWS target")
        .register(registry)
        .record(duration);
  }
}
