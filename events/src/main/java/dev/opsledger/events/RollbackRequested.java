package dev.opsledger.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A person asked to roll one resource back to the state an earlier revision declared, without a
 * commit (Argo CD's rollback). Written by the applier's management API, one per resource the
 * rollback touches, keyed by that resource on {@code opsledger.approvals}; the applier applies
 * {@code manifest} and pauses auto-sync of the resource until Git moves: until a revision of the
 * source with a sequence above {@code pausedSequence} is declared ({@link SyncResumed}).
 *
 * @param resource the resource rolled back
 * @param sourceId the source that declares it
 * @param scope what was asked to roll back: the source id, or the resource key text
 * @param targetRevision the revision rolled back to (the full SHA); the manifest is the resource's
 *     state at that revision (the last declaration at or before it)
 * @param pausedRevision the resource's newest declared revision when it was asked: what stays
 *     unapplied while paused
 * @param pausedSequence the source's newest revision sequence when it was asked; a declaration of
 *     the source with a higher one resumes auto-sync; {@code null} when the log has no sequences
 * @param manifest the manifest applied, as {@code opsledger.desired} carried it (Secret values
 *     sealed, never plain)
 * @param requestedBy who asked: the identity of the bearer token, never a name from the request
 * @param reason why, as they said it; may be empty
 * @param requestedAt when
 */
public record RollbackRequested(
    ResourceKey resource,
    String sourceId,
    String scope,
    String targetRevision,
    String pausedRevision,
    Long pausedSequence,
    JsonNode manifest,
    Person requestedBy,
    String reason,
    Instant requestedAt)
    implements ResourceEvent {

  /** Checks the required fields. */
  public RollbackRequested {
    Require.present("resource", resource);
    Require.text("sourceId", sourceId);
    Require.text("scope", scope);
    Require.text("targetRevision", targetRevision);
    Require.text("pausedRevision", pausedRevision);
    Require.sequence(pausedSequence);
    Require.node("manifest", manifest);
    Require.present("requestedBy", requestedBy);
    Require.present("requestedAt", requestedAt);
    reason = reason == null ? "" : reason;
  }
}
