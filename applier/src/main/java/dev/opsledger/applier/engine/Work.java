package dev.opsledger.applier.engine;

import dev.opsledger.events.DiffEvent;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.RollbackRequested;
import java.time.Instant;

/**
 * One diff (or rollback) to act on, with the attempt it is at.
 *
 * @param diff the diff event
 * @param attempt 1 for the first attempt
 * @param firstSeen when the applier first saw the diff (bounds the wait for its desired state)
 */
public record Work(EventEnvelope<? extends ResourceEvent> diff, int attempt, Instant firstSeen) {

  /** The resource. */
  public ResourceKey key() {
    return diff.data().resource();
  }

  /** The diff's event id: the dedupe key. */
  public String id() {
    return diff.id();
  }

  /** The state the diff reports, or {@code null} for a record that is not a diff. */
  public DiffState state() {
    return diff.data() instanceof DiffEvent d ? d.state() : null;
  }

  /**
   * The revision the diff names (the removing one for a prune; the target of a rollback), or {@code
   * null}.
   */
  public String revision() {
    if (diff.data() instanceof RollbackRequested r) {
      return r.targetRevision();
    }
    return diff.data() instanceof DiffEvent d ? d.revision() : null;
  }

  /** The source the diff (or rollback) names, or {@code null}. */
  public String sourceId() {
    if (diff.data() instanceof RollbackRequested r) {
      return r.sourceId();
    }
    return diff.data() instanceof DiffEvent d ? d.sourceId() : null;
  }

  /** The rollback this work carries out, or {@code null} for a diff. */
  public RollbackRequested rollback() {
    return diff.data() instanceof RollbackRequested r ? r : null;
  }

  /** Whether the event is a diff the applier converges (missing, drifted, extraneous). */
  public static boolean actionable(ResourceEvent event) {
    return event instanceof DiffEvent d && d.state().actionable();
  }

  /** The same diff at the next attempt. */
  public Work next() {
    return new Work(diff, attempt + 1, firstSeen);
  }
}
