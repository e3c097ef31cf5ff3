package dev.opsledger.events;

/**
 * What merging a pull request would do to one resource, as its preview reports it: the one
 * vocabulary of the differ that computes it and the notifier that summarises it.
 */
public enum PreviewChangeKind {
  /** Declared by the pull request and not live: merging would create it. */
  ADDED,
  /** Live and different from what the pull request declares: merging would change it. */
  CHANGED,
  /** Live and already as the pull request declares it. */
  UNCHANGED,
  /** Declared on the branch, no longer by the pull request, and live: merging would prune it. */
  PRUNED,
  /** The differ cannot compare it (the reason is the change's detail). */
  FAILED
}
