package dev.opsledger.applier.policy;

/**
 * How the applier treats the diffs of one resource.
 *
 * @param autoSync apply without approval; {@code false} waits for a {@code SyncApproved}
 * @param prune delete live resources Git no longer declares
 * @param selfHeal revert live edits
 * @param dryRun validate only, change nothing
 * @param forceConflicts take fields other field managers own
 * @param pruneGuard hold the prunes of a revision that removes more than half of the source's
 *     resources, or all of them, until the source and revision are approved
 * @param detectOnly report drift but never apply or prune: every actionable diff is skipped as
 *     {@code detect-only} (Flux's "warn" mode); it overrides every other setting
 */
public record SyncPolicy(
    boolean autoSync,
    boolean prune,
    boolean selfHeal,
    boolean dryRun,
    boolean forceConflicts,
    boolean pruneGuard,
    boolean detectOnly) {

  /**
   * The defaults: auto-sync, no prune, self-heal, no dry-run, force conflicts, prune guard, not
   * detect-only.
   */
  public static final SyncPolicy DEFAULT =
      new SyncPolicy(true, false, true, false, true, true, false);

  /** A policy with the prune guard on. */
  public SyncPolicy(
      boolean autoSync, boolean prune, boolean selfHeal, boolean dryRun, boolean forceConflicts) {
    this(autoSync, prune, selfHeal, dryRun, forceConflicts, true, false);
  }

  /** A policy that acts on what it finds (not detect-only). */
  public SyncPolicy(
      boolean autoSync,
      boolean prune,
      boolean selfHeal,
      boolean dryRun,
      boolean forceConflicts,
      boolean pruneGuard) {
    this(autoSync, prune, selfHeal, dryRun, forceConflicts, pruneGuard, false);
  }
}
