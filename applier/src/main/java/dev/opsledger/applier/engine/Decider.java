package dev.opsledger.applier.engine;

import dev.opsledger.applier.policy.SyncPolicy;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.SkipPolicy;
import java.util.function.BooleanSupplier;

/**
 * Decides what to do with a diff. Pure: the same inputs always give the same decision, so the rules
 * are tested without Kafka or a cluster.
 *
 * <p>Rules, in order: fencing (a diff for a revision older than the newest declared is skipped as
 * {@code stale-revision}; one for a revision not seen yet waits for it), then detect-only (every
 * diff is skipped as {@code detect-only}: drift is reported, nothing is written), then self-heal
 * (drift while the desired revision is the one last applied is a live edit), then prune (with its
 * guard: a revision that removes more than half of its source's resources, or all of them, holds
 * its prunes until the source and revision are approved), then manual approval.
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
   * @param approved whether a {@code SyncApproved} covers this resource and revision; asked only
   *     when the decision depends on it (a one-time approval is used up by asking)
   */
  public static Decision decide(
      DiffState kind,
      String revision,
      DesiredView desired,
      SyncPolicy policy,
      BooleanSupplier approved) {
    Decision fenced = fence(kind, revision, desired);
    if (fenced != null) {
      return fenced;
    }
    if (policy.detectOnly()) {
      return new Decision.Skip(SkipPolicy.DETECT_ONLY, detectOnly(kind, revision));
    }
    if (kind == DiffState.EXTRANEOUS) {
      if (!policy.prune()) {
        return new Decision.Skip(
            SkipPolicy.PRUNE_DISABLED, "Git no longer declares it and prune is off for its source");
      }
      DesiredView.RemovalCounts mass = massDelete(revision, desired, policy);
      if (mass != null && !approved.getAsBoolean()) {
        return new Decision.HoldPrune(
            desired.sourceId(),
            revision,
            mass,
            "revision "
                + revision
                + " removes "
                + mass.removals()
                + " of the "
                + mass.declaredBefore()
                + " resources of source "
                + desired.sourceId()
                + ": prunes wait for a SyncApproved of the source and revision");
      }
      if (mass == null && !policy.autoSync() && !approved.getAsBoolean()) {
        return new Decision.Skip(SkipPolicy.MANUAL_APPROVAL, "prune waits for a SyncApproved");
      }
      return new Decision.Delete(policy.dryRun());
    }
    if (kind == DiffState.DRIFTED && revision.equals(desired.lastApplied()) && !policy.selfHeal()) {
      return new Decision.Skip(
          SkipPolicy.SELF_HEAL_DISABLED,
          "live edit of revision " + revision + " left in place: self-heal is off");
    }
    if (!policy.autoSync() && !approved.getAsBoolean()) {
      return new Decision.Skip(
          SkipPolicy.MANUAL_APPROVAL,
          "revision " + revision + " waits for a SyncApproved (manual sync)");
    }
    return new Decision.Apply(policy.dryRun(), policy.forceConflicts());
  }

  private static String detectOnly(DiffState kind, String revision) {
    String what =
        switch (kind) {
          case EXTRANEOUS -> "Git no longer declares it";
          case MISSING -> "revision " + revision + " declares it and it is missing live";
          default -> "live differs from revision " + revision;
        };
    return what + "; left as is: the resource is detect-only";
  }

  /**
   * The counts of the revision that removed the resource when they make it a mass delete the guard
   * holds, else {@code null}. A dry run deletes nothing, so it is not held; a removal recorded
   * before the git-watcher counted revisions has no counts and is not held either.
   */
  private static DesiredView.RemovalCounts massDelete(
      String revision, DesiredView desired, SyncPolicy policy) {
    if (!policy.pruneGuard()
        || policy.dryRun()
        || revision == null
        || desired == null
        || !desired.removed()
        || !revision.equals(desired.newestRevision())
        || desired.removal() == null
        || !desired.removal().massDelete()) {
      return null;
    }
    return desired.removal();
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
