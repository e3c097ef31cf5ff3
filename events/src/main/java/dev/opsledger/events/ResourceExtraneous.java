package dev.opsledger.events;

import java.time.Instant;

/**
 * A resource exists live and is managed by OpsLedger, but Git no longer declares it: a candidate
 * for pruning.
 *
 * @param resource the resource
 * @param sourceId the source that last declared it, or {@code null} when it never did
 * @param removedInRevision the revision that removed it from Git, or {@code null}
 * @param observedHash the content hash of the live state
 * @param detectedAt when it was found extraneous
 * @param observedUid the {@code metadata.uid} of the live object the differ found extraneous
 *     ({@link ObservedStateChanged#uid()}): the applier deletes only that object, never one
 *     recreated under the same name since. {@code null} when the observation had none (AWS
 *     resources, observations written before {@code dev.opsledger.observed.changed} version 2) and
 *     in events written before schema version 2
 */
public record ResourceExtraneous(
    ResourceKey resource,
    String sourceId,
    String removedInRevision,
    String observedHash,
    Instant detectedAt,
    String observedUid)
    implements DiffEvent {

  /** Checks the required fields. */
  public ResourceExtraneous {
    Require.present("resource", resource);
    Require.present("detectedAt", detectedAt);
    observedUid = observedUid == null || observedUid.isEmpty() ? null : observedUid;
  }

  /** A candidate without an observed uid, as events before schema version 2 were written. */
  public ResourceExtraneous(
      ResourceKey resource,
      String sourceId,
      String removedInRevision,
      String observedHash,
      Instant detectedAt) {
    this(resource, sourceId, removedInRevision, observedHash, detectedAt, null);
  }

  @Override
  public DiffState state() {
    return DiffState.EXTRANEOUS;
  }

  @Override
  public String revision() {
    return removedInRevision;
  }
}
