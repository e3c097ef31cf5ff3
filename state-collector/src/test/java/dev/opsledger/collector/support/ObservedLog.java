package dev.opsledger.collector.support;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.TopicBootstrapper;
import dev.opsledger.testkit.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads what the collector wrote to {@code opsledger.observed} for one target, from the beginning
 * (tests share the broker, so everything else is skipped). Keeps the raw values too, to check that
 * no plain Secret value reached the topic.
 */
public final class ObservedLog implements AutoCloseable {

  private static volatile boolean topicsReady;

  private final String target;
  private final KafkaConsumer<String, byte[]> consumer;
  private final EventCodec codec = new EventCodec();
  private final List<EventEnvelope<OpsLedgerEvent>> events = new ArrayList<>();
  private final List<String> raw = new ArrayList<>();

  /** A reader of one target's observed events. */
  public ObservedLog(String target) {
    ensureTopics();
    this.target = target;
    this.consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(SharedKafka.bootstrapServers(), null));
    List<TopicPartition> parts = new ArrayList<>();
    consumer
        .partitionsFor(Topic.OBSERVED.topicName())
        .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
  }

  /** Creates the topic catalogue once per JVM, as a service does at start. */
  public static synchronized void ensureTopics() {
    if (topicsReady) {
      return;
    }
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
      new TopicBootstrapper(admin, (short) -1, Duration.ofSeconds(60)).ensureCatalogue();
    }
    topicsReady = true;
  }

  /** Reads whatever arrived. */
  public synchronized ObservedLog poll() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      if (r.key() == null || !r.key().startsWith(target + "/")) {
        continue;
      }
      raw.add(new String(r.value(), StandardCharsets.UTF_8));
      try {
        events.add(codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value()));
      } catch (Exception e) {
        throw new AssertionError("the collector wrote an unreadable record", e);
      }
    }
    return this;
  }

  /** Every event read so far, in order. */
  public synchronized List<ResourceEvent> events() {
    return events.stream().map(e -> (ResourceEvent) e.data()).toList();
  }

  /** Every event of one resource, in order. */
  public synchronized List<ResourceEvent> of(ResourceKey key) {
    return events().stream().filter(e -> e.resource().equals(key)).toList();
  }

  /** The raw record values read so far. */
  public synchronized List<String> raw() {
    return List.copyOf(raw);
  }

  /** Polls, then tells whether an event matches. */
  public boolean has(Predicate<ResourceEvent> match) {
    return poll().events().stream().anyMatch(match);
  }

  /** Matches a change of {@code key}. */
  public static Predicate<ResourceEvent> changed(ResourceKey key) {
    return e -> e instanceof ObservedStateChanged c && c.resource().equals(key);
  }

  /** Matches a change of {@code key} satisfying {@code test}. */
  public static Predicate<ResourceEvent> changed(
      ResourceKey key, Predicate<ObservedStateChanged> test) {
    return e -> e instanceof ObservedStateChanged c && c.resource().equals(key) && test.test(c);
  }

  /** Matches an absence of {@code key} with {@code reason}. */
  public static Predicate<ResourceEvent> absent(ResourceKey key, String reason) {
    return e ->
        e instanceof ObservedStateAbsent a && a.resource().equals(key) && a.reason().equals(reason);
  }

  /** Matches a failure of {@code key} with {@code reason}. */
  public static Predicate<ResourceEvent> failed(ResourceKey key, String reason) {
    return e ->
        e instanceof ObservationFailed f && f.resource().equals(key) && f.reason().equals(reason);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
