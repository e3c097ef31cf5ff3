package dev.opsledger.events;

import java.time.Instant;

/**
 * A resource is no longer declared in Git at a revision.
 *
 * @param resource the resource
 * @param sourceId the source that declared it
 * @param revision the first commit at which it is gone
 * @param path the file that declared it at the previous revision
 * @param author who wrote the commit
 * @param committedAt when the commit was made
 * @param pullRequest the pull request of the commit, or {@code null}
 * @param sequence the revision's {@link CommitObserved#sequence()}: a later declaration has a
 *     higher one, whatever the commit dates; {@code null} in events written before schema version 2
 * @param removalsInRevision how many resources of the source this revision removes, this one
 *     included; with {@code declaredBefore} it tells a reader (the applier's prune guard) how much
 *     of the source the revision deletes without waiting for every other removal to arrive; {@code
 *     null} in events written before schema version 3
 * @param declaredBefore how many resources the source declared at its previous accepted revision;
 *     {@code null} in events written before schema version 3
 */
public record DesiredStateRemoved(
    ResourceKey resource,
    String sourceId,
    String revision,
    String path,
    Person author,
    Instant committedAt,
    PullRequestRef pullRequest,
    Long sequence,
    Integer removalsInRevision,
    Integer declaredBefore)
    implements ResourceEvent {

  /** Checks the required fields. */
  public DesiredStateRemoved {
    Require.present("resource", resource);
    Require.text("sourceId", sourceId);
    Require.text("revision", revision);
    Require.sequence(sequence);
    if (removalsInRevision != null
        && (removalsInRevision < 1
            || declaredBefore == null
            || declaredBefore < removalsInRevision)) {
      throw new IllegalArgumentException(
          "removalsInRevision must be at least 1 and at most declaredBefore");
    }
  }

  /** A removal without the revision's counts, as events before schema version 3 were written. */
  public DesiredStateRemoved(
      ResourceKey resource,
      String sourceId,
      String revision,
      String path,
      Person author,
      Instant committedAt,
      PullRequestRef pullRequest,
      Long sequence) {
    this(
        resource, sourceId, revision, path, author, committedAt, pullRequest, sequence, null, null);
  }

  /** A removal without a recorded sequence, as events before schema version 2 were written. */
  public DesiredStateRemoved(
      ResourceKey resource,
      String sourceId,
      String revision,
      String path,
      Person author,
      Instant committedAt,
      PullRequestRef pullRequest) {
    this(resource, sourceId, revision, path, author, committedAt, pullRequest, null, null, null);
  }
}
