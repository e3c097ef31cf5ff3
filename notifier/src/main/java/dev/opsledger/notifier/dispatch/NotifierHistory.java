package dev.opsledger.notifier.dispatch;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the notifier's memory from the log before its consumers start, so that a restart, a
 * crash or a reset consumer group never sends twice and "converged" and commit statuses stay right.
 *
 * <ol>
 *   <li>{@code opsledger.notifications}, from {@code now - lookback} to its end: every {@code
 *       NotificationSent}/{@code NotificationFailed} goes into the ledger (trigger id + channel,
 *       dedupe key, time).
 *   <li>each trigger topic, from {@code now - lookback} up to the consumer group's committed
 *       offset: the events the previous run already handled feed the trackers, sending nothing.
 *       Records at or after the committed offset come through the stream bindings as usual.
 * </ol>
 *
 * <p>{@code lookback} is the larger of the maximum event age and the dedupe window: a trigger older
 * than the maximum age is never sent anyway, and its notification is at least as recent as it. A
 * plain reader with assigned partitions and no group: it commits nothing.
 */
public final class NotifierHistory {

  private static final Logger LOG = LoggerFactory.getLogger(NotifierHistory.class);

  /**
   * What was read.
   *
   * @param notifications notification events learned
   * @param triggers already-handled trigger events replayed into the trackers
   */
  public record Summary(int notifications, int triggers) {}

  private final String bootstrapServers;
  private final EventCodec codec;
  private final Clock clock;
  private final Duration timeout;

  /** A loader for this broker. */
  public NotifierHistory(String bootstrapServers, EventCodec codec, Clock clock, Duration timeout) {
    this.bootstrapServers = bootstrapServers;
    this.codec = codec;
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * Loads the history into the engine.
   *
   * @param groupByTopic the consumer group of each trigger topic's binding
   * @param lookback how far back to read; zero or negative reads from the beginning
   */
  public Summary load(NotifierEngine engine, Map<String, String> groupByTopic, Duration lookback) {
    Instant since =
        lookback.isZero() || lookback.isNegative() ? null : clock.instant().minus(lookback);
    Map<TopicPartition, Long> committed = committedOffsets(groupByTopic);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(bootstrapServers, null))) {
      int notifications =
          read(consumer, Topic.NOTIFICATIONS.topicName(), since, null, engine::remember);
      int triggers = 0;
      for (String topic : groupByTopic.keySet()) {
        triggers += read(consumer, topic, since, committed, engine::replay);
      }
      LOG.info(
          "notifier history: {} notification events and {} handled triggers since {}",
          notifications,
          triggers,
          since == null ? "the beginning" : since);
      return new Summary(notifications, triggers);
    }
  }

  private Map<TopicPartition, Long> committedOffsets(Map<String, String> groupByTopic) {
    Map<TopicPartition, Long> out = new HashMap<>();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      for (String group : groupByTopic.values().stream().distinct().toList()) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        offsets.forEach(
            (tp, om) -> {
              if (om != null && group.equals(groupByTopic.get(tp.topic()))) {
                out.put(tp, om.offset());
              }
            });
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the notifier's committed offsets", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading committed offsets", e);
    }
    return out;
  }

  /**
   * Reads a topic from {@code since} (or the beginning) to its end, or to the committed offsets
   * when given (partitions without one are skipped).
   */
  private int read(
      KafkaConsumer<String, byte[]> consumer,
      String topic,
      Instant since,
      Map<TopicPartition, Long> committed,
      Consumer<EventEnvelope<OpsLedgerEvent>> sink) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    // Offsets are looked up for assigned partitions only: with read_committed, the client warns
    // about every unassigned partition it learns a stable offset for.
    consumer.assign(partitions);
    Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, timeout));
    if (committed != null) {
      ends.replaceAll((tp, end) -> Math.min(end, committed.getOrDefault(tp, 0L)));
    }
    Map<TopicPartition, Long> starts = starts(consumer, partitions, since, ends);
    List<TopicPartition> todo =
        partitions.stream().filter(tp -> starts.get(tp) < ends.get(tp)).toList();
    if (todo.isEmpty()) {
      consumer.unsubscribe();
      return 0;
    }
    consumer.assign(todo);
    todo.forEach(tp -> consumer.seek(tp, starts.get(tp)));
    int count = 0;
    Instant deadline = clock.instant().plus(timeout);
    while (todo.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
      if (clock.instant().isAfter(deadline)) {
        throw new IllegalStateException("reading " + topic + " took longer than " + timeout);
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (r.offset() >= ends.get(tp)) {
          continue;
        }
        try {
          sink.accept(codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value()));
          count++;
        } catch (EventDecodingException e) {
          // Poison records were dead-lettered by the consumer; history skips them too.
        }
      }
    }
    consumer.unsubscribe();
    return count;
  }

  private Map<TopicPartition, Long> starts(
      KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions,
      Instant since,
      Map<TopicPartition, Long> ends) {
    Map<TopicPartition, Long> out = new HashMap<>(consumer.beginningOffsets(partitions, timeout));
    if (since != null) {
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(tp -> query.put(tp, since.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
      for (TopicPartition tp : partitions) {
        OffsetAndTimestamp o = found.get(tp);
        out.put(tp, o == null ? ends.get(tp) : Math.max(out.get(tp), o.offset()));
      }
    }
    return out;
  }
}
