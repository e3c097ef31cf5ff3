package dev.opsledger.events;

import java.time.Instant;
import java.util.List;

/**
 * A new commit on a tracked branch, recorded in first-parent order. Keyed by source id on {@code
 * opsledger.commits}, which is also the git-watcher's checkpoint.
 *
 * <p>Schema version 2: {@code author} and {@code committer} became structured {@link Person}s
 * (version 1 had {@code "Name <email>"} strings; see {@link Upcasters}). Version 3 added {@code
 * sequence}: revisions are ordered by it, never by commit dates.
 *
 * @param sourceId the configured source the commit was read from
 * @param repository the repository URL, credentials removed
 * @param branch the tracked branch
 * @param sha the commit id
 * @param parents the parent commit ids, first parent first
 * @param author who wrote the change
 * @param committer who committed it
 * @param authoredAt when it was written
 * @param committedAt when it was committed
 * @param message the full commit message
 * @param changedPaths paths changed against the first parent (all paths for a root commit), at most
 *     {@link #MAX_CHANGED_PATHS} of them
 * @param pullRequest the pull or merge request it came from, {@code null} when none is known
 * @param signed whether the commit carries a GPG or SSH signature (not whether it verifies)
 * @param rewrittenFrom the previous head when this commit arrived through a force-push that rewrote
 *     history, otherwise {@code null}
 * @param sequence the position of this recording in the source's history as the git-watcher records
 *     it: 1 for the first revision, one more for each after, so a force-push rewind or a backdated
 *     commit is newer because it came later; {@code null} in events written before schema version 3
 *     (see {@link Upcasters})
 * @param changedPathsOmitted how many changed paths were left out of {@code changedPaths} to keep
 *     the record small (0 in events written before schema version 3)
 */
public record CommitObserved(
    String sourceId,
    String repository,
    String branch,
    String sha,
    List<String> parents,
    Person author,
    Person committer,
    Instant authoredAt,
    Instant committedAt,
    String message,
    List<String> changedPaths,
    PullRequestRef pullRequest,
    boolean signed,
    String rewrittenFrom,
    Long sequence,
    int changedPathsOmitted)
    implements OpsLedgerEvent {

  /** The most changed paths one event lists; a commit that touches more says how many it left. */
  public static final int MAX_CHANGED_PATHS = 10_000;

  /** The longest message one event keeps, in characters; the rest is cut with a note. */
  public static final int MAX_MESSAGE_CHARS = 65_536;

  /** Copies lists so the record stays immutable. */
  public CommitObserved {
    Require.text("sourceId", sourceId);
    Require.text("sha", sha);
    parents = List.copyOf(parents == null ? List.of() : parents);
    changedPaths = List.copyOf(changedPaths == null ? List.of() : changedPaths);
    Require.sequence(sequence);
    if (changedPathsOmitted < 0) {
      throw new IllegalArgumentException("changedPathsOmitted must not be negative");
    }
  }

  /**
   * A commit as the git-watcher records it: the message and the changed paths are cut to {@link
   * #MAX_MESSAGE_CHARS} and {@link #MAX_CHANGED_PATHS}, saying how much was left out, so that a
   * commit touching a million files still fits in one record.
   */
  public static CommitObserved recorded(
      String sourceId,
      String repository,
      String branch,
      String sha,
      List<String> parents,
      Person author,
      Person committer,
      Instant authoredAt,
      Instant committedAt,
      String message,
      List<String> changedPaths,
      PullRequestRef pullRequest,
      boolean signed,
      String rewrittenFrom,
      long sequence) {
    List<String> paths = changedPaths == null ? List.of() : changedPaths;
    int omitted = Math.max(0, paths.size() - MAX_CHANGED_PATHS);
    String text = message;
    if (text != null && text.length() > MAX_MESSAGE_CHARS) {
      text =
          text.substring(0, MAX_MESSAGE_CHARS)
              + "\n[… "
              + (message.length() - MAX_MESSAGE_CHARS)
              + " more characters not recorded]";
    }
    return new CommitObserved(
        sourceId,
        repository,
        branch,
        sha,
        parents,
        author,
        committer,
        authoredAt,
        committedAt,
        text,
        omitted == 0 ? paths : paths.subList(0, MAX_CHANGED_PATHS),
        pullRequest,
        signed,
        rewrittenFrom,
        sequence,
        omitted);
  }

  /** A commit without a recorded sequence, as events before schema version 3 were written. */
  public CommitObserved(
      String sourceId,
      String repository,
      String branch,
      String sha,
      List<String> parents,
      Person author,
      Person committer,
      Instant authoredAt,
      Instant committedAt,
      String message,
      List<String> changedPaths,
      PullRequestRef pullRequest,
      boolean signed,
      String rewrittenFrom) {
    this(
        sourceId,
        repository,
        branch,
        sha,
        parents,
        author,
        committer,
        authoredAt,
        committedAt,
        message,
        changedPaths,
        pullRequest,
        signed,
        rewrittenFrom,
        null,
        0);
  }

  @Override
  public String subject() {
    return sourceId;
  }
}
