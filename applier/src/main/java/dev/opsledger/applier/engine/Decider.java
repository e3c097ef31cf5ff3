package dev.opsledger.applier.engine;

import dev.opsledger.applier.policy.SyncPolicy;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.SkipPolicy;

/**
 * Decides what to do with a diff. Pure: the same inputs always give the same decision, so the rules
 * are tested without Kafka or a cluster.
 *
 * <p>Rules, in order: fencing (a diff for a revision older than the newest declared is skipped as
 * {@code stale-revision}; one for a revision not seen yet waits for it), then self-heal (drift
 * while the desired revision is the one last applied is a live edit), then prune, then manual
 * approval.
 */
public final class Decider {

  private Decider() {}

  /**
   * The decision for one diff.
   *
   * @param kind the diff's state, one the applier acts on ({@link DiffState#actionable()})
   * @param revision the revision the diff names ({@code removedInRevision} for an extraneous one,
   *     may then be {@code null})
   * @param desired what is known of the resource's desired state, or {@code null}
   * @param policy the resource's policy
   * @param approved whether a {@code SyncApproved} covers this resource and revision
   */
  public static Decision decide(
      DiffState kind, String revision, DesiredView desired, SyncPolicy policy, boolean approved) {
    Decision fenced = fence(kind, revision, desired);
    if (fenced != null) {
      return fenced;
    }
    if (kind == DiffState.EXTRANEOUS) {
      if (!policy.prune()) {
        return new Decision.Skip(
            SkipPolicy.PRUNE_DISABLED, "Git no longer declares it and prune is off for its source");
      }
      if (!policy.autoSync() && !approved) {
        return new Decision.Skip(SkipPolicy.MANUAL_APPROVAL, "prune waits for a SyncApproved");
      }
      return new Decision.Delete(policy.dryRun());
    }
    if (kind == DiffState.DRIFTED && revision.equals(desired.lastApplied()) && !policy.selfHeal()) {
      return new Decision.Skip(
          SkipPolicy.SELF_HEAL_DISABLED,
          "live edit of revision " + revision + " left in place: self-heal is off");
    }
    if (!policy.autoSync() && !approved) {
      return new Decision.Skip(
          SkipPolicy.MANUAL_APPROVAL,
          "revision " + revision + " waits for a SyncApproved (manual sync)");
    }
    return new Decision.Apply(policy.dryRun(), policy.forceConflicts());
  }

  private static Decision fence(DiffState kind, String revision, DesiredView desired) {
    if (kind == DiffState.EXTRANEOUS && revision == null) {
      if (desired != null && !desired.removed()) {
        return new Decision.Skip(
            SkipPolicy.STALE_REVISION,
            "Git declares it again at revision " + desired.newestRevision() + ": not pruned");
      }
      return null;
    }
    if (desired == null || !desired.knows(revision)) {
      return new Decision.AwaitDesired("revision " + revision + " not seen on opsledger.desired");
    }
    if (desired.isOlder(revision)) {
      return new Decision.Skip(
          SkipPolicy.STALE_REVISION,
          "diff of revision "
              + revision
              + " is older than the newest declared revision "
              + desired.newestRevision());
    }
    if (kind != DiffState.EXTRANEOUS && desired.removed()) {
      // The newest revision is the removal itself only when the diff names it, which cannot
      // happen for a declaration; kept as a guard against a differ that names a removal.
      return new Decision.Skip(SkipPolicy.STALE_REVISION, "Git no longer declares it");
    }
    return null;
  }
}
