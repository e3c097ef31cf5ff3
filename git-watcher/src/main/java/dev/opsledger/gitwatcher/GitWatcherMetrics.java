package dev.opsledger.gitwatcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The git-watcher's meters:
 *
 * <ul>
 *   <li>{@code opsledger.gitwatcher.fetch} (timer; tags {@code source}, {@code outcome} = {@code
 *       ok|error}): how long fetching took
 *   <li>{@code opsledger.gitwatcher.commits.observed} (counter; {@code source}): commits recorded
 *   <li>{@code opsledger.gitwatcher.commits.rejected} (counter; {@code source}): revisions refused
 *   <li>{@code opsledger.gitwatcher.desired.events} (counter; {@code source}, {@code type} = {@code
 *       changed|removed})
 *   <li>{@code opsledger.gitwatcher.cycles} (counter; {@code source}, {@code outcome}): watch
 *       cycles by {@link dev.opsledger.gitwatcher.watch.WatchOutcome} kind
 *   <li>{@code opsledger.gitwatcher.webhook.requests} (counter; {@code provider}, {@code outcome})
 *   <li>{@code opsledger.gitwatcher.fetch.requests} (counter; {@code source}, {@code outcome} =
 *       {@code started|queued|coalesced})
 * </ul>
 */
public final class GitWatcherMetrics {

  private final MeterRegistry registry;

  /** Meters in this registry. */
  public GitWatcherMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records a fetch. */
  public void fetch(String source, Duration took, boolean ok) {
    Timer.builder("opsledger.gitwatcher.fetch")
        .description("time to fetch a source")
        .tag("source", source)
        .tag("outcome", ok ? "ok" : "error")
        .register(registry)
        .record(took);
  }

  /** One render of a source's Kustomize paths and charts; {@code ok} when nothing failed. */
  public void render(String source, Duration took, boolean ok) {
    Timer.builder("opsledger.gitwatcher.render")
        .tag("source", source)
        .tag("outcome", ok ? "rendered" : "rejected")
        .register(registry)
        .record(took);
  }

  /** Counts a recorded commit. */
  public void commitObserved(String source) {
    counter("opsledger.gitwatcher.commits.observed", "source", source).increment();
  }

  /** Counts a rejected revision. */
  public void commitRejected(String source) {
    counter("opsledger.gitwatcher.commits.rejected", "source", source).increment();
  }

  /** Counts what an accepted revision's manifests declared and the watcher ignored. */
  public void manifestWarnings(String source, int n) {
    counter("opsledger.gitwatcher.manifest.warnings", "source", source).increment(n);
  }

  /** Counts desired events. */
  public void desired(String source, String type, int n) {
    counter("opsledger.gitwatcher.desired.events", "source", source, "type", type).increment(n);
  }

  /** Counts a cycle by outcome. */
  public void cycle(String source, String outcome) {
    counter("opsledger.gitwatcher.cycles", "source", source, "outcome", outcome).increment();
  }

  /** Counts a webhook request by outcome. */
  public void webhook(String provider, String outcome) {
    counter("opsledger.gitwatcher.webhook.requests", "provider", provider, "outcome", outcome)
        .increment();
  }

  /** Counts a fetch request by what the scheduler did with it. */
  public void fetchRequest(String source, String outcome) {
    counter("opsledger.gitwatcher.fetch.requests", "source", source, "outcome", outcome)
        .increment();
  }

  private Counter counter(String name, String... tags) {
    return registry.counter(name, tags);
  }
}
