package dev.opsledger.applier.engine;

import dev.opsledger.events.SkipPolicy;

/** What to do with one diff, decided purely from the diff, the desired state and the policy. */
public sealed interface Decision
    permits Decision.Apply,
        Decision.Delete,
        Decision.Skip,
        Decision.HoldPrune,
        Decision.AwaitDesired,
        Decision.WaitForWindow,
        Decision.WaitForOrder {

  /**
   * Apply the newest desired manifest.
   *
   * @param dryRun validate only
   * @param forceConflicts take fields other managers own
   */
  record Apply(boolean dryRun, boolean forceConflicts) implements Decision {}

  /**
   * Delete (prune) the live resource.
   *
   * @param dryRun validate only
   */
  record Delete(boolean dryRun) implements Decision {}

  /**
   * Do nothing, because of a policy.
   *
   * @param policy manual approval, prune disabled, self-heal disabled or stale revision
   * @param detail a sentence for people
   */
  record Skip(SkipPolicy policy, String detail) implements Decision {}

  /**
   * Do not prune yet: the revision removes more than half of its source's resources, or all of
   * them, and no {@code SyncApproved} names the source and revision.
   *
   * @param sourceId the source
   * @param revision the revision that removes them
   * @param counts how many it removes, of how many
   * @param detail a sentence for people
   */
  record HoldPrune(
      String sourceId, String revision, DesiredView.RemovalCounts counts, String detail)
      implements Decision {}

  /** The diff names a revision not seen on {@code opsledger.desired} yet: look again soon. */
  record AwaitDesired(String detail) implements Decision {}

  /**
   * Apply or delete, but not now: the source's sync windows refuse writes until {@code opensAt}.
   *
   * @param opensAt when they let it through, or {@code null} when no window opens again
   * @param detail a sentence for people
   */
  record WaitForWindow(java.time.Instant opensAt, String detail) implements Decision {}

  /**
   * Apply or delete, but after other resources: a lower sync wave of the source, or a source this
   * one depends on, has not converged yet (see {@link OrderGate}).
   *
   * @param policy {@code waiting-for-wave} or {@code waiting-for-source}
   * @param detail a sentence for people, naming the wave or source and what it waits for
   */
  record WaitForOrder(SkipPolicy policy, String detail) implements Decision {}
}
