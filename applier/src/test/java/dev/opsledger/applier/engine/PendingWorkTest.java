package dev.opsledger.applier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PendingWorkTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final ResourceKey A = ResourceKey.of("c", "", "ConfigMap", "ns", "a");

  static EventEnvelope<ResourceMissing> missing(ResourceKey key, String rev) {
    return EventEnvelope.create("/differ", rev, new ResourceMissing(key, "s", rev, NOW));
  }

  static EventEnvelope<ResourceEvent> outcome(EventEnvelope<?> diff, ResourceEvent event) {
    return EventEnvelope.causedBy(diff, "/applier", event);
  }

  @Test
  void aDiffWithoutAFinalOutcomeIsPendingAtTheNextAttempt() {
    PendingWork work = new PendingWork();
    var diff = missing(A, "r1");
    work.diff(diff);
    work.apply(outcome(diff, new ApplyStarted(A, "s", "r1", ApplyAction.APPLY, false, 1, NOW)));
    work.apply(
        outcome(diff, new ApplyFailed(A, "s", "r1", false, "Unreachable", "", null, 1, NOW, NOW)));
    work.apply(outcome(diff, new ApplyStarted(A, "s", "r1", ApplyAction.APPLY, false, 2, NOW)));

    PendingWork.Derived derived = work.derive(NOW);
    assertThat(derived.pending())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.id()).isEqualTo(diff.id());
              assertThat(w.attempt()).isEqualTo(3);
            });
    assertThat(derived.done()).isEmpty();
  }

  @Test
  void aSucceededOrTerminallyFailedDiffIsDone() {
    PendingWork work = new PendingWork();
    ResourceKey b = ResourceKey.of("c", "", "ConfigMap", "ns", "b");
    var d1 = missing(A, "r1");
    var d2 = missing(b, "r1");
    work.diff(d1);
    work.diff(d2);
    work.apply(
        outcome(d1, new ApplySucceeded(A, "s", "r1", ApplyOutcome.CREATED, false, 1, NOW, 3)));
    work.apply(outcome(d2, new ApplyFailed(b, "s", "r1", true, "Invalid", "", 422, 1, NOW, null)));

    PendingWork.Derived derived = work.derive(NOW);
    assertThat(derived.pending()).isEmpty();
    assertThat(derived.done()).containsExactlyInAnyOrder(d1.id(), d2.id());
    assertThat(derived.lastApplied()).containsEntry(A, "r1");
  }

  @Test
  void aDiffWaitingForItsSyncWindowIsStillPendingAfterARestart() {
    PendingWork work = new PendingWork();
    var diff = missing(A, "r1");
    work.diff(diff);
    work.apply(outcome(diff, new ApplySkipped(A, "s", "r1", "sync-window-closed", "", NOW)));

    PendingWork.Derived derived = work.derive(NOW);
    assertThat(derived.pending())
        .singleElement()
        .satisfies(w -> assertThat(w.id()).isEqualTo(diff.id()));
    assertThat(derived.done()).isEmpty();
  }

  @Test
  void aWaitingDiffRedeliveredWhileItWaitedIsStillPendingAfterARestart() {
    for (String wait :
        new String[] {"sync-window-closed", "waiting-for-wave", "waiting-for-source"}) {
      PendingWork work = new PendingWork();
      var diff = missing(A, "r1");
      work.diff(diff);
      work.apply(outcome(diff, new ApplySkipped(A, "s", "r1", wait, "", NOW)));
      work.apply(outcome(diff, new ApplySkipped(A, "s", "r1", "already-applied", "", NOW)));

      PendingWork.Derived derived = work.derive(NOW);
      assertThat(derived.pending())
          .as(wait)
          .singleElement()
          .satisfies(w -> assertThat(w.id()).isEqualTo(diff.id()));
      assertThat(derived.done()).as(wait).isEmpty();
    }
  }

  @Test
  void aDiffSkippedForApprovalWaitsAgain() {
    PendingWork work = new PendingWork();
    var diff = missing(A, "r1");
    work.diff(diff);
    work.apply(outcome(diff, new ApplySkipped(A, "s", "r1", "manual-approval", "", NOW)));
    work.apply(outcome(diff, new ApplySkipped(A, "s", "r1", "already-applied", "", NOW)));

    PendingWork.Derived derived = work.derive(NOW);
    assertThat(derived.awaiting())
        .singleElement()
        .satisfies(w -> assertThat(w.id()).isEqualTo(diff.id()));
    assertThat(derived.pending()).isEmpty();
  }

  @Test
  void onlyTheLatestDiffOfAResourceCounts() {
    PendingWork work = new PendingWork();
    work.diff(missing(A, "r1"));
    work.diff(EventEnvelope.create("/differ", "r1", new ResourceInSync(A, "s", "r1", "h", NOW)));

    assertThat(work.derive(NOW).pending()).isEmpty();
  }
}
