package dev.opsledger.kafka;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventHeader;
import dev.opsledger.events.OpsLedgerEvent;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record a {@link LogScan} read and decoded: where it sits in the log, and the event it carries.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the offset in the partition
 * @param timestamp the record's timestamp
 * @param key the record key (a resource key or a source id), or {@code null}
 * @param headers the record headers, in order
 * @param value the raw record value (the JSON body)
 * @param event the decoded event
 */
public record ScannedRecord(
    String topic,
    int partition,
    long offset,
    Instant timestamp,
    String key,
    List<EventHeader> headers,
    byte[] value,
    EventEnvelope<OpsLedgerEvent> event) {

  /**
   * Decodes a consumer record with the contract's codec.
   *
   * @throws EventDecodingException when the record is not a readable OpsLedger event (poison)
   */
  public static ScannedRecord decode(ConsumerRecord<String, byte[]> r, EventCodec codec)
      throws EventDecodingException {
    List<EventHeader> headers = KafkaRecords.fromKafkaHeaders(r.headers());
    return new ScannedRecord(
        r.topic(),
        r.partition(),
        r.offset(),
        Instant.ofEpochMilli(r.timestamp()),
        r.key(),
        headers,
        r.value(),
        codec.decode(headers, r.value()));
  }

  /** The event's data. */
  public OpsLedgerEvent data() {
    return event.data();
  }
}
