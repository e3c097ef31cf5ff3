package dev.opsledger.applier.engine;

import dev.opsledger.applier.ApplierMetrics;
import dev.opsledger.applier.apply.ResourceApplier;
import dev.opsledger.applier.policy.PolicyResolver;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.service.core.Backoff;
import dev.opsledger.service.core.EventSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The engine wired as {@code ApplierConfiguration} wires it, over a test cluster and sink: retries
 * after 20 ms (at most 100 ms), a ledger of 1,000 diffs, a 5 minute wait for a desired revision.
 */
final class TestEngines {

  private TestEngines() {}

  /** The recorder of outcomes into {@code sink}. */
  static OutcomeRecorder recorder(
      EventSink sink, RetryScheduler scheduler, DesiredBook desired, Clock clock) {
    return new OutcomeRecorder(
        "/opsledger/applier",
        sink,
        new DiffLedger(1000),
        scheduler,
        new Backoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(100), 0),
        desired,
        new ApplierMetrics(new SimpleMeterRegistry()),
        clock);
  }

  /** An engine applying to {@code cluster}, its work run as {@code lanes} say. */
  static ApplyEngine engine(
      ResourceApplier cluster,
      DesiredBook desired,
      RetryScheduler scheduler,
      OutcomeRecorder recorder,
      PolicyResolver policies,
      Clock clock,
      OrderGate order,
      ApplyLanes lanes) {
    return new ApplyEngine(
        new ResourceActions(
            List.of(cluster),
            new SecretValues(new SecretProtector(ApplyEngineTest.key())),
            desired,
            scheduler,
            recorder,
            "Foreground",
            clock),
        desired,
        new Approvals(),
        policies,
        scheduler,
        recorder,
        Duration.ofMinutes(5),
        clock,
        order,
        lanes);
  }
}
