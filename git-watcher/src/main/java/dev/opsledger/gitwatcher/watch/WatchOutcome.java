package dev.opsledger.gitwatcher.watch;

/** What one watch cycle of a source did. */
public sealed interface WatchOutcome {

  /** The head is the last recorded commit: nothing written. */
  record NoChange(String head) implements WatchOutcome {}

  /** The remote has no such branch yet: nothing written. */
  record NoBranch() implements WatchOutcome {}

  /**
   * Commits were recorded.
   *
   * @param commits how many commits were recorded
   * @param rejected how many of them were rejected
   * @param head the new last recorded commit
   */
  record Recorded(int commits, int rejected, String head) implements WatchOutcome {}

  /**
   * The cycle failed and will be retried at the next poll; what was recorded before the failure
   * stays recorded.
   *
   * @param reason why, without secrets
   */
  record Failed(String reason) implements WatchOutcome {}
}
