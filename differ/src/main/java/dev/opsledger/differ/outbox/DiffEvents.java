package dev.opsledger.differ.outbox;

import dev.opsledger.differ.diff.DiffResult;
import dev.opsledger.differ.reconcile.ReconcileState;
import dev.opsledger.differ.reconcile.ReconciliationStateChanged;
import dev.opsledger.differ.reconcile.ResourceReconciliation;
import dev.opsledger.events.DiffFailed;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceExtraneous;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.ResourceRemoved;
import java.util.Optional;

/** Pure: the translation between the aggregate's internal events and the contract's diff events. */
public final class DiffEvents {

  private DiffEvents() {}

  /**
   * The contract event for a state change, with a stable id.
   *
   * @param change the internal event
   * @param eventId the Axon event identifier, used as {@code ce_id}
   * @param source the {@code ce_source}
   * @return the envelope; empty for {@link ReconcileState#UNKNOWN}
   */
  public static Optional<EventEnvelope<OpsLedgerEvent>> toContract(
      ReconciliationStateChanged change, String eventId, String source) {
    return toContract(change, eventId, source, "");
  }

  /**
   * The contract event for a state change, with a stable id, continuing a trace.
   *
   * @param change the internal event
   * @param eventId the Axon event identifier, used as {@code ce_id}
   * @param source the {@code ce_source}
   * @param traceparent the trace context of the input that caused it; empty when none
   * @return the envelope; empty for {@link ReconcileState#UNKNOWN}
   */
  public static Optional<EventEnvelope<OpsLedgerEvent>> toContract(
      ReconciliationStateChanged change, String eventId, String source, String traceparent) {
    OpsLedgerEvent data = dataOf(change);
    if (data == null) {
      return Optional.empty();
    }
    return Optional.of(
        new EventEnvelope<>(
            eventId,
            source,
            change.detectedAt(),
            change.desiredRevision(),
            change.causationId(),
            traceparent,
            data));
  }

  private static OpsLedgerEvent dataOf(ReconciliationStateChanged c) {
    switch (c.state()) {
      case IN_SYNC:
        return new ResourceInSync(
            c.resource(), c.sourceId(), c.desiredRevision(), c.observedHash(), c.detectedAt());
      case DRIFTED:
        return new DriftDetected(
            c.resource(),
            c.sourceId(),
            c.desiredRevision(),
            c.observedHash(),
            c.detectedAt(),
            c.patch(),
            c.diff(),
            c.changedPaths());
      case MISSING:
        return new ResourceMissing(c.resource(), c.sourceId(), c.desiredRevision(), c.detectedAt());
      case EXTRANEOUS:
        return new ResourceExtraneous(
            c.resource(),
            c.sourceId(),
            c.desiredRevision(),
            c.observedHash(),
            c.detectedAt(),
            c.observedUid());
      case REMOVED:
        return new ResourceRemoved(c.resource(), c.sourceId(), c.desiredRevision(), c.detectedAt());
      case FAILED:
        return new DiffFailed(
            c.resource(), c.sourceId(), c.desiredRevision(), c.detectedAt(), c.reason());
      default:
        return null;
    }
  }

  /** What a published diff event said, or empty for an event that is not a diff state. */
  public static Optional<PublishedState> stateOf(OpsLedgerEvent event) {
    if (event instanceof DriftDetected d) {
      if (d.changedPaths().isEmpty() || !d.patch().isArray() || d.patch().isEmpty()) {
        return Optional.of(new PublishedState(ReconcileState.DRIFTED, ""));
      }
      String fp = new DiffResult.Drifted(d.patch(), d.diff(), d.changedPaths()).fingerprint();
      return Optional.of(new PublishedState(ReconcileState.DRIFTED, fp));
    }
    if (event instanceof DiffFailed f) {
      return Optional.of(
          new PublishedState(
              ReconcileState.FAILED, ResourceReconciliation.reasonFingerprint(f.reason())));
    }
    if (event instanceof ResourceInSync s) {
      return Optional.of(
          new PublishedState(
              ReconcileState.IN_SYNC,
              ResourceReconciliation.inSyncFingerprint(s.desiredRevision())));
    }
    if (event instanceof ResourceMissing m) {
      return Optional.of(
          new PublishedState(
              ReconcileState.MISSING,
              ResourceReconciliation.missingFingerprint(m.desiredRevision())));
    }
    if (event instanceof ResourceExtraneous) {
      return Optional.of(new PublishedState(ReconcileState.EXTRANEOUS, ""));
    }
    if (event instanceof ResourceRemoved) {
      return Optional.of(new PublishedState(ReconcileState.REMOVED, ""));
    }
    return Optional.empty();
  }
}
