package dev.opsledger.gitwatcher.support;

import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads what one source wrote to {@code opsledger.commits} and {@code opsledger.desired} on the
 * shared broker, from the beginning, keeping only that source's events (tests share the broker).
 * Also keeps the raw record values, to check that no plain Secret value reached the topic.
 */
public final class EventLog implements AutoCloseable {

  private static volatile boolean topicsReady;

  private final String sourceId;
  private final KafkaConsumer<String, byte[]> consumer;
  private final EventCodec codec = new EventCodec();
  private final List<EventEnvelope<OpsLedgerEvent>> commits = new ArrayList<>();
  private final List<EventEnvelope<OpsLedgerEvent>> desired = new ArrayList<>();
  private final List<String> rawDesired = new ArrayList<>();

  /** A reader of one source's events. */
  public EventLog(String sourceId) {
    ensureTopics();
    this.sourceId = sourceId;
    this.consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(SharedKafka.bootstrapServers(), null));
    List<TopicPartition> parts = new ArrayList<>();
    for (Topic t : List.of(Topic.COMMITS, Topic.DESIRED)) {
      consumer
          .partitionsFor(t.topicName())
          .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
    }
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
  public synchronized EventLog poll() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      EventEnvelope<OpsLedgerEvent> e;
      try {
        e = codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value());
      } catch (Exception ex) {
        continue;
      }
      OpsLedgerEvent d = e.data();
      boolean mine =
          (d instanceof CommitObserved c && c.sourceId().equals(sourceId))
              || (d instanceof CommitRejected cr && cr.sourceId().equals(sourceId))
              || (d instanceof DesiredStateChanged dc && dc.sourceId().equals(sourceId))
              || (d instanceof DesiredStateRemoved dr && dr.sourceId().equals(sourceId));
      if (!mine) {
        continue;
      }
      if (r.topic().equals(Topic.COMMITS.topicName())) {
        commits.add(e);
      } else {
        desired.add(e);
        rawDesired.add(new String(r.value(), StandardCharsets.UTF_8));
      }
    }
    return this;
  }

  /** The CommitObserved events so far, in log order. */
  public synchronized List<CommitObserved> observed() {
    return commits.stream()
        .map(EventEnvelope::data)
        .filter(CommitObserved.class::isInstance)
        .map(CommitObserved.class::cast)
        .toList();
  }

  /** The CommitRejected events so far. */
  public synchronized List<CommitRejected> rejected() {
    return commits.stream()
        .map(EventEnvelope::data)
        .filter(CommitRejected.class::isInstance)
        .map(CommitRejected.class::cast)
        .toList();
  }

  /** The envelopes on opsledger.commits so far. */
  public synchronized List<EventEnvelope<OpsLedgerEvent>> commitEnvelopes() {
    return List.copyOf(commits);
  }

  /** The envelopes on opsledger.desired so far. */
  public synchronized List<EventEnvelope<OpsLedgerEvent>> desiredEnvelopes() {
    return List.copyOf(desired);
  }

  /** The DesiredStateChanged events of a revision. */
  public synchronized List<DesiredStateChanged> changedAt(String sha) {
    return desired.stream()
        .map(EventEnvelope::data)
        .filter(DesiredStateChanged.class::isInstance)
        .map(DesiredStateChanged.class::cast)
        .filter(d -> d.revision().equals(sha))
        .toList();
  }

  /** The DesiredStateRemoved events of a revision. */
  public synchronized List<DesiredStateRemoved> removedAt(String sha) {
    return desired.stream()
        .map(EventEnvelope::data)
        .filter(DesiredStateRemoved.class::isInstance)
        .map(DesiredStateRemoved.class::cast)
        .filter(d -> d.revision().equals(sha))
        .toList();
  }

  /** The raw JSON bodies of this source's desired records. */
  public synchronized List<String> rawDesired() {
    return List.copyOf(rawDesired);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
