package dev.opsledger.audit;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import java.time.Instant;
import java.util.Comparator;

/**
 * One record of the log as an audit sees it: where it is, when Kafka stored it, and the event, or
 * why it could not be read.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the offset
 * @param timestamp the record's timestamp
 * @param key the record key
 * @param event the event, or {@code null} when the record could not be read
 * @param error why it could not be read, or {@code null}
 */
public record LoggedEvent(
    String topic,
    int partition,
    long offset,
    Instant timestamp,
    String key,
    EventEnvelope<OpsLedgerEvent> event,
    String error) {

  /** Log order across topics: by timestamp, then topic, partition and offset. */
  public static final Comparator<LoggedEvent> LOG_ORDER =
      Comparator.comparing(LoggedEvent::timestamp)
          .thenComparing(LoggedEvent::topic)
          .thenComparingInt(LoggedEvent::partition)
          .thenComparingLong(LoggedEvent::offset);

  /** Whether the record was read as an event. */
  public boolean readable() {
    return event != null;
  }

  /** Where it is in the log: its topic, partition and offset, in one string. */
  public String position() {
    return topic + "/" + partition + "@" + offset;
  }

  /** The event's data, or {@code null}. */
  public OpsLedgerEvent data() {
    return event == null ? null : event.data();
  }
}
