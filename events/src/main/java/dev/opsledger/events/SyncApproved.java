package dev.opsledger.events;

import java.time.Instant;

/**
 * A person approved a manual sync, of one resource or of every resource of a revision.
 *
 * <p>An approval is bound to the revision it names: the applier consumes it for that revision only.
 * Records written before approvals were bound may name none ({@code null}); they still decode, and
 * approve nothing. New approvals always name one; through the approvals API, {@code approvedBy} is
 * the identity of the approver's token, not what a client claims.
 *
 * @param resource the approved resource, or {@code null} to approve a whole revision
 * @param sourceId the source of the approved revision
 * @param revision the approved revision; {@code null} only in records written before approvals were
 *     bound, which approve nothing
 * @param approvedBy who approved
 * @param reason why, as they said it
 * @param approvedAt when
 */
public record SyncApproved(
    ResourceKey resource,
    String sourceId,
    String revision,
    Person approvedBy,
    String reason,
    Instant approvedAt)
    implements OpsLedgerEvent {

  /** Requires a resource or a source with a revision. */
  public SyncApproved {
    Require.present("approvedBy", approvedBy);
    Require.present("approvedAt", approvedAt);
    if (resource == null && (sourceId == null || revision == null)) {
      throw new IllegalArgumentException("an approval names a resource, or a source and revision");
    }
    reason = reason == null ? "" : reason;
  }

  @Override
  public String subject() {
    return resource != null ? resource.toString() : sourceId;
  }
}
