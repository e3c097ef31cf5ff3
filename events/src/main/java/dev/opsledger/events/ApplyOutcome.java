package dev.opsledger.events;

/** What a successful apply changed; an apply never hides whether it changed anything. */
public enum ApplyOutcome {
  /** The resource did not exist and was created. */
  CREATED,
  /** The resource existed and was changed. */
  PATCHED,
  /** The resource already had the desired state; nothing was written. */
  UNCHANGED,
  /** The resource was deleted (prune). */
  DELETED
}
