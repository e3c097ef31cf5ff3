package dev.opsledger.differ.reconcile;

/** Where a resource stands between what Git declares and what runs. */
public enum ReconcileState {
  /** Not enough is known yet (declared but never observed, or only observed and never managed). */
  UNKNOWN,
  /** Declared, live, and the live object does what the manifest declares. */
  IN_SYNC,
  /** Declared, live, and the live object differs in a field the manifest sets. */
  DRIFTED,
  /** Declared, and nothing lives under its name. */
  MISSING,
  /** Live and managed by OpsLedger, but Git no longer declares it. */
  EXTRANEOUS,
  /** Neither declared nor live (or live but no longer OpsLedger's): the end of its history. */
  REMOVED,
  /** Declared, but the engine cannot compare the manifest with the live object. */
  FAILED
}
