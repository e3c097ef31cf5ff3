package dev.opsledger.differ.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.differ.diff.DiffEngine;
import dev.opsledger.differ.diff.DiffResult;
import dev.opsledger.differ.normalize.IgnoreRules;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the aggregate needs to compute a diff, injected into its command handlers (Axon resolves it
 * as a handler parameter): the engine, the ignore rules in force, and a clock for {@code
 * detectedAt}. It also counts computations for the metrics.
 */
public final class DiffPolicy {

  private final DiffEngine engine;
  private final IgnoreRules rules;
  private final Clock clock;
  private final LongAdder computations = new LongAdder();

  /** Creates the policy. */
  public DiffPolicy(DiffEngine engine, IgnoreRules rules, Clock clock) {
    this.engine = engine;
    this.rules = rules;
    this.clock = clock;
  }

  /** The standard engine, no ignore rules, the system clock. */
  public static DiffPolicy standard() {
    return new DiffPolicy(DiffEngine.standard(), IgnoreRules.none(), Clock.systemUTC());
  }

  /** Compares a manifest with a live object ({@code null} when nothing is live). */
  public DiffResult diff(JsonNode manifest, JsonNode live) {
    computations.increment();
    return engine.diff(manifest, live, rules);
  }

  /** Now, to the millisecond (as events are written). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** How many diffs this policy computed. */
  public long computations() {
    return computations.sum();
  }
}
