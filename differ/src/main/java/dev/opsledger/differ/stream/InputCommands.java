package dev.opsledger.differ.stream;

import dev.opsledger.differ.reconcile.RecordDesiredRemoval;
import dev.opsledger.differ.reconcile.RecordDesiredState;
import dev.opsledger.differ.reconcile.RecordObservedAbsence;
import dev.opsledger.differ.reconcile.RecordObservedState;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import java.util.Optional;

/** Pure: the command an input event asks for, if any. */
public final class InputCommands {

  private InputCommands() {}

  /**
   * The command for an event of {@code opsledger.desired} or {@code opsledger.observed}; empty for
   * other types and for events about a whole kind.
   */
  public static Optional<Object> commandFor(EventEnvelope<? extends OpsLedgerEvent> envelope) {
    OpsLedgerEvent data = envelope.data();
    if (data instanceof DesiredStateChanged e && single(e.resource())) {
      return Optional.of(
          new RecordDesiredState(
              e.resource().toString(),
              e.resource(),
              envelope.id(),
              envelope.time(),
              e.sourceId(),
              e.revision(),
              e.contentHash(),
              e.manifest(),
              e.committedAt(),
              e.sequence()));
    }
    if (data instanceof DesiredStateRemoved e && single(e.resource())) {
      return Optional.of(
          new RecordDesiredRemoval(
              e.resource().toString(),
              e.resource(),
              envelope.id(),
              envelope.time(),
              e.sourceId(),
              e.revision(),
              e.committedAt(),
              e.sequence()));
    }
    if (data instanceof ObservedStateChanged e && single(e.resource())) {
      return Optional.of(
          new RecordObservedState(
              e.resource().toString(),
              e.resource(),
              envelope.id(),
              envelope.time(),
              e.contentHash(),
              e.live(),
              e.managed(),
              e.observedAt(),
              e.uid()));
    }
    if (data instanceof ObservedStateAbsent e && single(e.resource())) {
      return Optional.of(
          new RecordObservedAbsence(
              e.resource().toString(),
              e.resource(),
              envelope.id(),
              envelope.time(),
              e.observedAt()));
    }
    return Optional.empty();
  }

  /** The aggregate a command of {@link #commandFor} is for. */
  static String aggregateId(Object command) {
    if (command instanceof RecordDesiredState c) {
      return c.reconciliationId();
    }
    if (command instanceof RecordDesiredRemoval c) {
      return c.reconciliationId();
    }
    if (command instanceof RecordObservedState c) {
      return c.reconciliationId();
    }
    if (command instanceof RecordObservedAbsence c) {
      return c.reconciliationId();
    }
    throw new IllegalArgumentException("not an input command: " + command);
  }

  private static boolean single(ResourceKey key) {
    return !ResourceKey.ANY_NAME.equals(key.name());
  }
}
