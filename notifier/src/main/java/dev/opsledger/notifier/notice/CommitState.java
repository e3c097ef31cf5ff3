package dev.opsledger.notifier.notice;

/** The aggregated state of one revision across all of its resources. */
public enum CommitState {
  /** Some resource is missing, drifted or waits for approval, and nothing is being applied. */
  PENDING,
  /** Some resource is being applied (or retried) and none has failed for good. */
  RUNNING,
  /** Every resource seen for the revision is in sync. */
  SUCCESS,
  /** The commit was rejected, an apply failed terminally, or a resource could not be compared. */
  FAILURE
}
