package dev.opsledger.events;

import java.time.Instant;

/**
 * The applier holds the prunes of a revision that would delete more than half of its source's
 * resources, or all of them: emptying or moving the source path, turning it into a symlink, a
 * force-push to an unrelated history. Nothing of the source is deleted until a {@link SyncApproved}
 * names the source and this revision; each held resource is also an {@link ApplySkipped} with
 * policy {@code prune-held}. Keyed by the source id on {@code opsledger.applies}; its {@code ce_id}
 * is derived from the source and revision, so appliers that hold the same revision write one event
 * id.
 *
 * @param sourceId the source
 * @param revision the revision whose prunes are held
 * @param removals how many resources of the source the revision removes
 * @param declaredBefore how many the source declared before it
 * @param heldAt when the applier held them
 */
public record PruneHeld(
    String sourceId, String revision, int removals, int declaredBefore, Instant heldAt)
    implements OpsLedgerEvent {

  /** Checks the required fields. */
  public PruneHeld {
    Require.text("sourceId", sourceId);
    Require.text("revision", revision);
    Require.present("heldAt", heldAt);
    if (removals < 1 || declaredBefore < removals) {
      throw new IllegalArgumentException("removals must be at least 1 and at most declaredBefore");
    }
  }

  @Override
  public String subject() {
    return sourceId;
  }
}
