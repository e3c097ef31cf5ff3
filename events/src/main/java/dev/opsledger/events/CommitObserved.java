package dev.opsledger.events;

import java.time.Instant;
import java.util.List;

/**
 * A new commit on a tracked branch, recorded in first-parent order. Keyed by source id on {@code
 * opsledger.commits}, which is also the git-watcher's checkpoint.
 *
 * <p>Schema version 2: {@code author} and {@code committer} became structured {@link Person}s
 * (version 1 had {@code "Name <email>"} strings; see {@link Upcasters}).
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
 * @param changedPaths paths changed against the first parent (all paths for a root commit)
 * @param pullRequest the pull or merge request it came from, {@code null} when none is known
 * @param signed whether the commit carries a GPG or SSH signature (not whether it verifies)
 * @param rewrittenFrom the previous head when this commit arrived through a force-push that rewrote
 *     history, otherwise {@code null}
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
    String rewrittenFrom)
    implements OpsLedgerEvent {

  /** Copies lists so the record stays immutable. */
  public CommitObserved {
    Require.text("sourceId", sourceId);
    Require.text("sha", sha);
    parents = List.copyOf(parents == null ? List.of() : parents);
    changedPaths = List.copyOf(changedPaths == null ? List.of() : changedPaths);
  }

  @Override
  public String subject() {
    return sourceId;
  }
}
