package dev.opsledger.applier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The applier's meters.
 *
 * <ul>
 *   <li>{@code opsledger.applier.applies} (counter; tags {@code outcome}: created, patched,
 *       unchanged, deleted, failed-terminal, failed-retryable, skipped; {@code kind})
 *   <li>{@code opsledger.applier.apply.latency} (timer of API calls; tags {@code kind}, {@code
 *       action})
 *   <li>{@code opsledger.applier.retries} (counter of scheduled retries; tags {@code kind}, {@code
 *       reason})
 *   <li>{@code opsledger.applier.retries.pending} and {@code opsledger.applier.approvals.pending}
 *       (gauges)
 *   <li>{@code opsledger.applier.duplicates} (counter of redelivered diffs dropped)
 *   <li>{@code opsledger.applier.prunes.held} (counter of revisions whose prunes were held)
 *   <li>{@code opsledger.applier.conflicts} (counter of applies that met fields another manager
 *       owned; tag {@code taken}: true when taken over, false when left alone)
 * </ul>
 */
public final class ApplierMetrics {

  private final MeterRegistry registry;

  /** Meters in this registry. */
  public ApplierMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the gauges. */
  public void gauges(Supplier<Number> pendingRetries, Supplier<Number> pendingApprovals) {
    registry.gauge("opsledger.applier.retries.pending", pendingRetries, s -> s.get().doubleValue());
    registry.gauge(
        "opsledger.applier.approvals.pending", pendingApprovals, s -> s.get().doubleValue());
  }

  /** Counts an outcome. */
  public void outcome(String outcome, String kind) {
    registry.counter("opsledger.applier.applies", "outcome", outcome, "kind", kind).increment();
  }

  /** Times an API call. */
  public void latency(String kind, String action, Duration duration) {
    Timer.builder("opsledger.applier.apply.latency")
        .tag("kind", kind)
        .tag("action", action)
        .register(registry)
        .record(duration);
  }

  /** Counts a scheduled retry. */
  public void retry(String kind, String reason) {
    registry.counter("opsledger.applier.retries", "kind", kind, "reason", reason).increment();
  }

  /** Counts a dropped redelivery. */
  public void duplicate() {
    registry.counter("opsledger.applier.duplicates").increment();
  }

  /** Counts a revision whose prunes were held. */
  public void pruneHeld() {
    registry.counter("opsledger.applier.prunes.held").increment();
  }

  /** Counts an apply that met fields another manager owned. */
  public void conflict(boolean taken) {
    registry.counter("opsledger.applier.conflicts", "taken", Boolean.toString(taken)).increment();
  }

  /** The registry (tests read it). */
  public MeterRegistry registry() {
    return registry;
  }
}
