package dev.opsledger.notifier;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.NotificationFailed;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.testkit.SharedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads {@code opsledger.notifications} for assertions; call from the test thread only. */
public final class NotificationLog implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final EventCodec codec = new EventCodec();
  private final List<EventEnvelope<OpsLedgerEvent>> seen = new ArrayList<>();

  /** A reader with its own group, from the beginning of the topic. */
  public NotificationLog() {
    consumer =
        new KafkaConsumer<>(
            KafkaSettings.consumer(
                SharedKafka.bootstrapServers(), "notifier-it-reader-" + UUID.randomUUID()));
    consumer.subscribe(List.of(Topic.NOTIFICATIONS.topicName()));
  }

  /** Everything read so far, after one more poll. */
  public List<EventEnvelope<OpsLedgerEvent>> poll() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      try {
        seen.add(codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value()));
      } catch (EventDecodingException e) {
        // not ours
      }
    }
    return List.copyOf(seen);
  }

  /** The {@code NotificationSent} events for a trigger, after one more poll. */
  public List<EventEnvelope<OpsLedgerEvent>> sent(String triggerId) {
    return poll().stream()
        .filter(e -> e.data() instanceof NotificationSent s && s.triggerEventId().equals(triggerId))
        .toList();
  }

  /** The {@code NotificationFailed} events for a trigger, after one more poll. */
  public List<EventEnvelope<OpsLedgerEvent>> failed(String triggerId) {
    return poll().stream()
        .filter(
            e -> e.data() instanceof NotificationFailed f && f.triggerEventId().equals(triggerId))
        .toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
