package dev.opsledger.gitwatcher.watch;

/**
 * Where a source stands according to {@code opsledger.commits}.
 *
 * @param lastRecorded the last commit recorded ({@code CommitObserved}), or null: first start
 * @param lastGood the last accepted revision, or null when none was accepted
 * @param lastSequence the sequence of the last recorded commit; 0 when none was recorded, or when
 *     it was recorded before sequences existed (the next one is then 1, still newer to readers,
 *     which order events without a sequence before those with one)
 */
public record Checkpoint(String lastRecorded, String lastGood, long lastSequence) {

  /** A source never seen on the log. */
  public static final Checkpoint NONE = new Checkpoint(null, null, 0);
}
