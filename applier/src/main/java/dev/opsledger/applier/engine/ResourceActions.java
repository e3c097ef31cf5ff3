package dev.opsledger.applier.engine;

import dev.opsledger.applier.apply.ApplyRequest;
import dev.opsledger.applier.apply.DeleteRequest;
import dev.opsledger.applier.apply.Failure;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.applier.apply.ResourceApplier;
import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.ResourceExtraneous;
import dev.opsledger.events.ResourceKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * Carries out an {@link Decision.Apply} or a {@link Decision.Delete} on one resource through the
 * {@link ResourceApplier} responsible for it: opens sealed Secret values just before an apply,
 * builds the request, has the {@link OutcomeRecorder} record the attempt and what it did, and after
 * a real (not dry-run) success records the revision as applied (or the resource as deleted) and
 * wakes the resources that waited for it (a namespace, a CRD).
 *
 * <p>Invariants: every call is one {@code ApplyStarted} and one outcome; opened Secret values live
 * only in the request and are redacted from failure messages; the first applier that handles a
 * resource is the only one that converges it. Callers hold the resource's lock ({@link
 * ResourceLocks}).
 */
public final class ResourceActions {

  private final List<ResourceApplier> appliers;
  private final SecretValues secrets;
  private final DesiredBook desired;
  private final RetryScheduler scheduler;
  private final OutcomeRecorder recorder;
  private final String prunePropagation;
  private final Clock clock;

  /**
   * Actions through these appliers.
   *
   * @param appliers the appliers of this process
   * @param secrets opens sealed Secret values
   * @param desired told what was applied or deleted
   * @param scheduler woken when an applied resource unblocks others
   * @param recorder records attempts and outcomes
   * @param prunePropagation the Kubernetes propagation policy of deletes
   * @param clock times the calls
   */
  public ResourceActions(
      List<ResourceApplier> appliers,
      SecretValues secrets,
      DesiredBook desired,
      RetryScheduler scheduler,
      OutcomeRecorder recorder,
      String prunePropagation,
      Clock clock) {
    this.appliers = List.copyOf(appliers);
    this.secrets = secrets;
    this.desired = desired;
    this.scheduler = scheduler;
    this.recorder = recorder;
    this.prunePropagation = prunePropagation;
    this.clock = clock;
  }

  /** Whether some applier of this process is responsible for the resource. */
  public boolean handles(ResourceKey key) {
    return applierFor(key) != null;
  }

  /** Applies the newest desired manifest of the resource. */
  public void apply(Work work, DesiredView view, Decision.Apply decision) {
    ResourceApplier applier = applierFor(work.key());
    String revision = work.revision();
    SecretValues.Opened opened;
    try {
      opened = secrets.open(view.manifest());
    } catch (IllegalArgumentException e) {
      recorder.started(work, ApplyAction.APPLY, decision.dryRun());
      recorder.failed(
          work,
          ApplyAction.APPLY,
          new Failure.Terminal("SecretUnreadable", e.getMessage(), null),
          null);
      return;
    }
    ApplyRequest request =
        new ApplyRequest(
            work.key(),
            opened.manifest(),
            view.sourceId(),
            revision,
            decision.dryRun(),
            decision.forceConflicts());
    recorder.started(work, ApplyAction.APPLY, decision.dryRun());
    Instant t0 = clock.instant();
    Outcome outcome = applier.apply(request);
    recorder.finished(work, ApplyAction.APPLY, decision.dryRun(), outcome, opened, t0);
    if (!decision.dryRun() && isSuccess(outcome)) {
      desired.applied(work.key(), revision);
      Predicate<ResourceKey> unblocked = applier.unblocks(request);
      if (unblocked != null) {
        scheduler.wake(unblocked);
      }
    }
  }

  /**
   * Deletes (prunes) the live resource: the very object the differ found extraneous when the diff
   * names its uid.
   */
  public void delete(Work work, DesiredView view, Decision.Delete decision) {
    ResourceApplier applier = applierFor(work.key());
    String observedUid =
        work.diff().data() instanceof ResourceExtraneous extraneous
            ? extraneous.observedUid()
            : null;
    DeleteRequest request =
        new DeleteRequest(
            work.key(),
            view == null ? null : view.manifest(),
            prunePropagation,
            decision.dryRun(),
            observedUid);
    recorder.started(work, ApplyAction.DELETE, decision.dryRun());
    Instant t0 = clock.instant();
    Outcome outcome = applier.delete(request);
    recorder.finished(work, ApplyAction.DELETE, decision.dryRun(), outcome, null, t0);
    if (!decision.dryRun() && isSuccess(outcome)) {
      desired.deleted(work.key());
    }
  }

  private static boolean isSuccess(Outcome outcome) {
    return outcome instanceof Outcome.Created
        || outcome instanceof Outcome.Patched
        || outcome instanceof Outcome.Unchanged
        || outcome instanceof Outcome.Deleted;
  }

  private ResourceApplier applierFor(ResourceKey key) {
    for (ResourceApplier a : appliers) {
      if (a.handles(key)) {
        return a;
      }
    }
    return null;
  }
}
