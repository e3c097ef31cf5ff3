package dev.opsledger.gitwatcher.watch;

/**
 * Where a source stands according to {@code opsledger.commits}.
 *
 * @param lastRecorded the last commit recorded ({@code CommitObserved}), or null: first start
 * @param lastGood the last accepted revision, or null when none was accepted
 */
public record Checkpoint(String lastRecorded, String lastGood) {

  /** A source never seen on the log. */
  public static final Checkpoint NONE = new Checkpoint(null, null);
}
