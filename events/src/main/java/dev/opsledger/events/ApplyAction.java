package dev.opsledger.events;

/** What an apply attempt does to a resource. */
public enum ApplyAction {
  /** Create or update the resource to its desired state (server-side apply, AWS create/update). */
  APPLY,
  /** Delete the resource (prune). */
  DELETE
}
