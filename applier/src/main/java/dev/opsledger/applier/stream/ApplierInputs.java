package dev.opsledger.applier.stream;

import dev.opsledger.applier.engine.ApplyEngine;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventType;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.RollbackRequested;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.Topic;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.PoisonRecordException;
import java.nio.charset.StandardCharsets;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * Turns the records of the applier's bindings into the {@code events/} records the {@link
 * ApplyEngine} takes. A record that cannot be decoded, or an event that does not belong on its
 * topic, is a {@link PoisonRecordException}: the binder sends it to the topic's DLQ and goes on.
 *
 * <p>Idempotence is the engine's: each method says its dedupe key.
 */
public class ApplierInputs {

  private final EventMessages messages;
  private final ApplyEngine engine;

  /** Inputs of this engine. */
  public ApplierInputs(EventMessages messages, ApplyEngine engine) {
    this.messages = messages;
    this.engine = engine;
  }

  /**
   * A record of {@code opsledger.diffs}. Idempotent: dedupe key is the diff's {@code ce_id} (see
   * {@link ApplyEngine#onDiff}); diffs of resources of other targets are ignored.
   */
  public void diff(Message<byte[]> m) {
    engine.onDiff(resourceEvent(messages.decode(m), Topic.DIFFS));
  }

  /**
   * A record of {@code opsledger.diffs} read by this replica's own group, for the order of writes
   * ({@link ApplyEngine#onDiffSeen}). One that cannot be decoded is left to the shared diffs
   * consumer to dead-letter: one record, one DLQ entry.
   */
  public void diffSeen(Message<byte[]> m) {
    ResourceKey key = recordKey(m);
    if (key != null && engine.owns(key)) {
      // The shared diffs consumer hands this replica its own diffs: not decoded twice.
      return;
    }
    EventEnvelope<OpsLedgerEvent> e = decodedOrNull(m);
    if (e != null && e.data() instanceof ResourceEvent && e.type().topic() == Topic.DIFFS) {
      engine.onDiffSeen(resourceEvent(e, Topic.DIFFS));
    }
  }

  /**
   * A record of {@code opsledger.desired}. Idempotent: dedupe key is (resource, revision); a known
   * revision changes nothing.
   */
  public void desired(Message<byte[]> m) {
    EventEnvelope<? extends ResourceEvent> e = resourceEvent(messages.decode(m), Topic.DESIRED);
    if (engine.handles(e.data().resource())) {
      engine.onDesired(e.data());
    }
  }

  /**
   * A record of {@code opsledger.approvals}: an approval or a rollback. Idempotent: approvals are a
   * set; a diff applied after an approval, and a rollback applied, are in the dedupe ledger (by
   * {@code ce_id}) and are not applied again.
   */
  public void approval(Message<byte[]> m) {
    EventEnvelope<OpsLedgerEvent> e = messages.decode(m);
    if (e.data() instanceof RollbackRequested) {
      @SuppressWarnings("unchecked")
      EventEnvelope<RollbackRequested> rollback =
          (EventEnvelope<RollbackRequested>) (EventEnvelope<?>) e;
      engine.onRollback(rollback);
      return;
    }
    if (!(e.data() instanceof SyncApproved approval)) {
      throw new PoisonRecordException(
          e.type().ceType() + " does not belong on " + Topic.APPROVALS.topicName());
    }
    engine.onApproval(approval);
  }

  /**
   * A record of {@code opsledger.observed}: only health reports matter here, and they are told by
   * their {@code ce_type} header, so the (large) observations are not decoded. A health report that
   * cannot be decoded is left to the topic's own consumer (the differ) to dead-letter: one record,
   * one DLQ entry. Idempotent: the latest health of a resource replaces the last.
   */
  public void health(Message<byte[]> m) {
    if (!EventMessages.hasType(m, EventType.RESOURCE_HEALTH_CHANGED)) {
      return;
    }
    EventEnvelope<OpsLedgerEvent> e = decodedOrNull(m);
    if (e != null && e.data() instanceof ResourceHealthChanged h) {
      engine.onHealth(h.resource(), h.health());
    }
  }

  /**
   * The record's event, or {@code null} when it cannot be decoded: left to the topic's own consumer
   * to dead-letter (one record, one DLQ entry).
   */
  private EventEnvelope<OpsLedgerEvent> decodedOrNull(Message<byte[]> m) {
    try {
      return messages.decode(m);
    } catch (PoisonRecordException ex) {
      return null;
    }
  }

  /** The record's key as a resource key, or {@code null} when it has none that parses. */
  private static ResourceKey recordKey(Message<byte[]> m) {
    Object key = m.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
    String text =
        key instanceof byte[] bytes
            ? new String(bytes, StandardCharsets.UTF_8)
            : key instanceof String str ? str : null;
    if (text == null) {
      return null;
    }
    try {
      return ResourceKey.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static EventEnvelope<? extends ResourceEvent> resourceEvent(
      EventEnvelope<OpsLedgerEvent> e, Topic expected) {
    if (!(e.data() instanceof ResourceEvent) || e.type().topic() != expected) {
      throw new PoisonRecordException(
          e.type().ceType() + " does not belong on " + expected.topicName());
    }
    return (EventEnvelope<? extends ResourceEvent>) (EventEnvelope<?>) e;
  }
}
