package dev.opsledger.kafka;

import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventHeader;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Converts between the contract's client-free record shapes and Kafka's. */
public final class KafkaRecords {

  private KafkaRecords() {}

  /** A producer record for an encoded event, on the event's topic, keyed by its subject. */
  public static ProducerRecord<String, byte[]> toProducerRecord(EncodedEvent event) {
    return new ProducerRecord<>(
        event.topic(), null, event.key(), event.value(), toKafkaHeaders(event.headers()));
  }

  /** Kafka headers for contract headers. */
  public static Headers toKafkaHeaders(List<EventHeader> headers) {
    RecordHeaders out = new RecordHeaders();
    for (EventHeader h : headers) {
      out.add(h.name(), h.value());
    }
    return out;
  }

  /** Contract headers for Kafka headers, in order. */
  public static List<EventHeader> fromKafkaHeaders(Headers headers) {
    List<EventHeader> out = new ArrayList<>();
    for (Header h : headers) {
      out.add(new EventHeader(h.key(), h.value()));
    }
    return out;
  }
}
