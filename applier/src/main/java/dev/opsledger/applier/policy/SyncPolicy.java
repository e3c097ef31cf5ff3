package dev.opsledger.applier.policy;

/**
 * How the applier treats the diffs of one resource.
 *
 * @param autoSync apply without approval; {@code false} waits for a {@code SyncApproved}
 * @param prune delete live resources Git no longer declares
 * @param selfHeal revert live edits
 * @param dryRun validate only, change nothing
 * @param forceConflicts take fields other field managers own
 */
public record SyncPolicy(
    boolean autoSync, boolean prune, boolean selfHeal, boolean dryRun, boolean forceConflicts) {

  /** The defaults: auto-sync, no prune, self-heal, no dry-run, force conflicts. */
  public static final SyncPolicy DEFAULT = new SyncPolicy(true, false, true, false, true);
}
