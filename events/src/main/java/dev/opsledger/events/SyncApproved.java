package dev.opsledger.events;

import java.time.Instant;

/**
 * A person approved a manual sync, of one resource or of every resource of a revision.
 *
 * @param resource the approved resource, or {@code null} to approve a whole revision
 * @param sourceId the source of the approved revision
 * @param revision the approved revision, or {@code null} for the resource's newest
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
