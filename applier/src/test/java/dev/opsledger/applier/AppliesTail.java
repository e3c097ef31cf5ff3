package dev.opsledger.applier;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads a topic from its end at creation, in the background, keeping the events whose subject
 * starts with a prefix (a test's target): tests share the broker and read only what is theirs.
 */
public final class AppliesTail implements AutoCloseable {

  private final List<EventEnvelope<OpsLedgerEvent>> events = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  /** Tails {@code topic} for subjects starting with {@code prefix}. */
  public AppliesTail(String bootstrapServers, String topic, String prefix) {
    consumer = new KafkaConsumer<>(KafkaSettings.consumer(bootstrapServers, null));
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(topic, Duration.ofSeconds(30))
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    EventCodec codec = new EventCodec();
    thread =
        new Thread(
            () -> {
              try {
                while (running) {
                  for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.key() == null || !r.key().startsWith(prefix)) {
                      continue;
                    }
                    try {
                      events.add(
                          codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value()));
                    } catch (EventDecodingException e) {
                      // Not ours to judge here.
                    }
                  }
                }
              } catch (WakeupException e) {
                // closing
              } finally {
                consumer.close();
              }
            },
            "applies-tail");
    thread.setDaemon(true);
    thread.start();
  }

  /** A tail of {@code opsledger.applies}. */
  public static AppliesTail applies(String bootstrapServers, String prefix) {
    return new AppliesTail(bootstrapServers, Topic.APPLIES.topicName(), prefix);
  }

  /** Everything read so far. */
  public List<EventEnvelope<OpsLedgerEvent>> events() {
    return List.copyOf(events);
  }

  /** The events caused by one event id. */
  public List<EventEnvelope<OpsLedgerEvent>> causedBy(String id) {
    return events.stream().filter(e -> id.equals(e.causation())).toList();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
