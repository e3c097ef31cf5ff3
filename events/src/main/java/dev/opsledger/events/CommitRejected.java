package dev.opsledger.events;

import java.time.Instant;
import java.util.List;

/**
 * A commit whose manifests did not all parse or validate: it is refused whole, no desired event is
 * emitted for it and the last good revision stays in force.
 *
 * @param sourceId the source the commit was read from
 * @param repository the repository URL, credentials removed
 * @param branch the tracked branch
 * @param sha the refused commit
 * @param author who wrote it
 * @param committedAt when it was committed
 * @param pullRequest the pull or merge request it came from, or {@code null}
 * @param errors every problem found, with file and line
 * @param lastGoodRevision the revision that stays in force, {@code null} when none was accepted
 */
public record CommitRejected(
    String sourceId,
    String repository,
    String branch,
    String sha,
    Person author,
    Instant committedAt,
    PullRequestRef pullRequest,
    List<ManifestError> errors,
    String lastGoodRevision)
    implements OpsLedgerEvent {

  /** Requires at least one error. */
  public CommitRejected {
    Require.text("sourceId", sourceId);
    Require.text("sha", sha);
    errors = List.copyOf(errors == null ? List.of() : errors);
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a rejected commit needs at least one error");
    }
  }

  @Override
  public String subject() {
    return sourceId;
  }
}
