package dev.opsledger.testkit;

import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.TopicBootstrapper;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes events to the log as the services would, at a given time (the record timestamp and the
 * event time agree), for tests of readers: the audit, the CLI, consumers' idempotence.
 */
public final class LogWriter implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final EventCodec codec = new EventCodec();

  /** A writer for the plaintext cluster; creates the topic catalogue first (idempotent). */
  public LogWriter(String bootstrapServers) {
    this(KafkaConnection.of(bootstrapServers));
  }

  /** A writer for the cluster, with its client properties; creates the topic catalogue first. */
  public LogWriter(KafkaConnection connection) {
    try (Admin admin = Admin.create(KafkaSettings.admin(connection))) {
      new TopicBootstrapper(admin, (short) 1, Duration.ofSeconds(30)).ensureCatalogue();
    }
    this.producer = new KafkaProducer<>(KafkaSettings.producer(connection));
  }

  /** Writes one event at {@code time} and waits for the acknowledgement; returns its envelope. */
  public EventEnvelope<OpsLedgerEvent> write(
      Instant time, String correlation, OpsLedgerEvent data) {
    EventEnvelope<OpsLedgerEvent> envelope =
        new EventEnvelope<>(
            UUID.randomUUID().toString(), "/opsledger/test", time, correlation, "", "", data);
    write(envelope);
    return envelope;
  }

  /** Writes an envelope as it is (e.g. a redelivery) and waits for the acknowledgement. */
  public void write(EventEnvelope<?> envelope) {
    EncodedEvent e = codec.encode(envelope);
    var r = KafkaRecords.toProducerRecord(e);
    send(
        new ProducerRecord<>(
            r.topic(), null, envelope.time().toEpochMilli(), r.key(), r.value(), r.headers()));
  }

  /** Writes raw bytes (e.g. a poison record) and waits for the acknowledgement. */
  public void writeRaw(String topic, String key, byte[] value) {
    send(new ProducerRecord<>(topic, key, value));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the test broker did not take a record: " + e, e);
    }
  }
}
