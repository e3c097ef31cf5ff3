package dev.opsledger.events;

import java.time.Instant;

/**
 * Auto-sync of a rolled-back resource resumed because Git moved: a revision of its source newer
 * than the one the rollback paused was declared, and the applier acts on the resource's diffs
 * again. Written by the applier, keyed by the resource on {@code opsledger.applies}.
 *
 * @param resource the resource
 * @param sourceId its source
 * @param rolledBackTo the revision the rollback had applied
 * @param revision the newer revision of the source whose declaration resumed it
 * @param resumedAt when
 */
public record SyncResumed(
    ResourceKey resource, String sourceId, String rolledBackTo, String revision, Instant resumedAt)
    implements ResourceEvent {

  /** Checks the required fields. */
  public SyncResumed {
    Require.present("resource", resource);
    Require.text("sourceId", sourceId);
    Require.text("rolledBackTo", rolledBackTo);
    Require.text("revision", revision);
    Require.present("resumedAt", resumedAt);
  }
}
