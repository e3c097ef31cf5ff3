package dev.opsledger.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * Why the applier did not act on a diff: the {@code policy} of an {@link ApplySkipped}. {@link
 * #wire()} is the text written on the log, e.g. {@code manual-approval}.
 */
public enum SkipPolicy {
  /** Manual sync: the change waits for a {@link SyncApproved}. */
  MANUAL_APPROVAL("manual-approval"),
  /** Git no longer declares the resource and prune is off for its source. */
  PRUNE_DISABLED("prune-disabled"),
  /** A live edit of the revision last applied, and self-heal is off. */
  SELF_HEAL_DISABLED("self-heal-disabled"),
  /** The diff was computed from a revision older than the newest declared one. */
  STALE_REVISION("stale-revision"),
  /** A redelivered diff that was already handled to a final outcome. */
  ALREADY_APPLIED("already-applied"),
  /**
   * The revision would delete more than half of its source's resources, or all of them: its prunes
   * wait for a {@link SyncApproved} of the source and revision (see {@link PruneHeld}).
   */
  PRUNE_HELD("prune-held"),
  /**
   * The resource, or its whole source, is detect-only: its drift is reported and alerted on, and
   * nothing is ever applied or pruned.
   */
  DETECT_ONLY("detect-only"),
  /**
   * The source's sync windows refuse applies now (outside every allow window, or inside a deny
   * window): the drift is reported and the apply waits; the same diff is applied when a window lets
   * it through (its {@code ApplyStarted} names the same diff as its cause).
   */
  SYNC_WINDOW_CLOSED("sync-window-closed"),
  /**
   * A rollback ({@link RollbackRequested}) paused auto-sync of the resource: drift from Git's head
   * is reported and not healed until Git moves (a newer revision of the source, {@link
   * SyncResumed}).
   */
  ROLLBACK_PAUSED("rollback-paused"),
  /**
   * A resource of a lower sync wave of the same source (annotation {@code opsledger.dev/sync-wave})
   * is not applied, in sync and healthy yet, or, for a prune, one of a higher wave is not pruned
   * yet: the detail names the wave and the resources it waits for. Not an outcome: the same diff is
   * applied when they get there.
   */
  WAITING_FOR_WAVE("waiting-for-wave"),
  /**
   * A source this resource's source depends on ({@code depends-on}) is not in sync and healthy at
   * its current revision: the detail names the source and what it waits for. Not an outcome: the
   * same diff is applied when it gets there.
   */
  WAITING_FOR_SOURCE("waiting-for-source");

  private final String wire;

  SkipPolicy(String wire) {
    this.wire = wire;
  }

  /** Whether a diff skipped by this policy waits for a {@link SyncApproved} to go ahead. */
  public boolean waitsForApproval() {
    return this == MANUAL_APPROVAL || this == PRUNE_HELD;
  }

  /**
   * Whether a diff skipped by this policy leaves the resource out of sync without waiting for an
   * approval: until something else changes (a new revision, a new drift), or, for {@link
   * #SYNC_WINDOW_CLOSED}, until a sync window lets the apply through. Waits for order ({@link
   * #waitsForOrder()}) are not among them: they end by themselves, usually within seconds, and a
   * reader that reported them as drift left in place would raise an alarm for an ordered rollout.
   */
  public boolean leavesDriftInPlace() {
    return this == PRUNE_DISABLED
        || this == SELF_HEAL_DISABLED
        || this == DETECT_ONLY
        || this == SYNC_WINDOW_CLOSED
        || this == ROLLBACK_PAUSED;
  }

  /**
   * Whether the diff waits for other resources to converge first (sync waves, {@code depends-on}):
   * not a final outcome, the same diff is applied once they have.
   */
  public boolean waitsForOrder() {
    return this == WAITING_FOR_WAVE || this == WAITING_FOR_SOURCE;
  }

  /** The text on the log. */
  @JsonValue
  public String wire() {
    return wire;
  }

  /**
   * The policy written as {@code text}, or empty for a policy this reader does not know. The schema
   * leaves the field open, so a newer applier may write a policy an older reader has never heard
   * of; readers must carry on.
   */
  public static Optional<SkipPolicy> find(String text) {
    for (SkipPolicy p : values()) {
      if (p.wire.equals(text)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The policy written as {@code text}.
   *
   * @throws IllegalArgumentException for a policy this reader does not know
   */
  @JsonCreator
  public static SkipPolicy fromWire(String text) {
    return find(text)
        .orElseThrow(() -> new IllegalArgumentException("unknown skip policy: " + text));
  }
}
