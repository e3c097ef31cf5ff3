package dev.opsledger.audit;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a time range of topics from the log, partition by partition, up to the end the log had when
 * the read started. Uses no consumer group: reading for an audit never moves a service's committed
 * offsets and never competes with a service for partitions.
 */
public final class LogReader implements AutoCloseable {

  /** Told how far a read has come, for progress bars. */
  public interface Progress {
    /** {@code done} of {@code total} records read. */
    void update(long done, long total);
  }

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

  private final KafkaConsumer<String, byte[]> consumer;
  private final EventCodec codec;

  /** A reader for the cluster at {@code bootstrapServers}. */
  public LogReader(String bootstrapServers) {
    this.consumer = new KafkaConsumer<>(KafkaSettings.consumer(bootstrapServers, null));
    this.codec = new EventCodec();
  }

  /**
   * Hands every record of {@code topics} whose timestamp is in {@code [from, to]} to {@code sink},
   * in offset order per partition.
   *
   * @param from the first instant, or {@code null} for the start of the log
   * @param to the last instant, or {@code null} for the end the log has now
   * @param progress told of progress, or {@code null}
   */
  public void scan(
      Collection<Topic> topics,
      Instant from,
      Instant to,
      Consumer<LoggedEvent> sink,
      Progress progress) {
    List<TopicPartition> partitions = partitionsOf(topics);
    if (partitions.isEmpty()) {
      return;
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> start =
        offsetsAt(partitions, from, consumer.beginningOffsets(partitions));
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    if (to != null) {
      end = offsetsAt(partitions, to.plusMillis(1), end);
    }
    long total = 0;
    Map<TopicPartition, Long> remaining = new HashMap<>();
    for (TopicPartition tp : partitions) {
      long s = start.get(tp);
      long e = end.get(tp);
      if (e > s) {
        consumer.seek(tp, s);
        remaining.put(tp, e);
        total += e - s;
      }
    }
    consumer.assign(List.copyOf(remaining.keySet()));
    long done = 0;
    Instant lastProgress = Instant.now();
    while (!remaining.isEmpty()) {
      var records = consumer.poll(POLL);
      if (records.isEmpty()) {
        if (Duration.between(lastProgress, Instant.now()).compareTo(IDLE_LIMIT) > 0) {
          throw new IllegalStateException(
              "the log stopped answering while reading " + remaining.keySet());
        }
        // A transaction marker or compacted gap can leave a position short of the end offset.
        for (TopicPartition tp : List.copyOf(remaining.keySet())) {
          if (consumer.position(tp) >= remaining.get(tp)) {
            remaining.remove(tp);
          }
        }
        consumer.assign(List.copyOf(remaining.keySet()));
        continue;
      }
      lastProgress = Instant.now();
      for (ConsumerRecord<String, byte[]> r : records) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Long stop = remaining.get(tp);
        if (stop == null || r.offset() >= stop) {
          continue;
        }
        sink.accept(toLoggedEvent(r));
        done++;
        if (r.offset() + 1 >= stop) {
          remaining.remove(tp);
        }
      }
      for (TopicPartition tp : List.copyOf(remaining.keySet())) {
        if (consumer.position(tp) >= remaining.get(tp)) {
          remaining.remove(tp);
        }
      }
      consumer.assign(List.copyOf(remaining.keySet()));
      if (progress != null) {
        progress.update(done, total);
      }
    }
    if (progress != null) {
      progress.update(total, total);
    }
  }

  /** All records of {@code topics} in {@code [from, to]}, in log order across topics. */
  public List<LoggedEvent> read(Collection<Topic> topics, Instant from, Instant to) {
    List<LoggedEvent> out = new ArrayList<>();
    scan(topics, from, to, out::add, null);
    out.sort(LoggedEvent.LOG_ORDER);
    return out;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }

  private LoggedEvent toLoggedEvent(ConsumerRecord<String, byte[]> r) {
    Instant ts = Instant.ofEpochMilli(r.timestamp());
    try {
      var envelope = codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value());
      return new LoggedEvent(r.topic(), r.partition(), r.offset(), ts, r.key(), envelope, null);
    } catch (EventDecodingException e) {
      return new LoggedEvent(
          r.topic(), r.partition(), r.offset(), ts, r.key(), null, e.getMessage());
    }
  }

  private List<TopicPartition> partitionsOf(Collection<Topic> topics) {
    Map<String, List<PartitionInfo>> all = consumer.listTopics(Duration.ofSeconds(30));
    List<TopicPartition> out = new ArrayList<>();
    for (Topic t : topics) {
      for (PartitionInfo p : all.getOrDefault(t.topicName(), List.of())) {
        out.add(new TopicPartition(p.topic(), p.partition()));
      }
    }
    return out;
  }

  private Map<TopicPartition, Long> offsetsAt(
      List<TopicPartition> partitions, Instant time, Map<TopicPartition, Long> fallback) {
    if (time == null) {
      return fallback;
    }
    Map<TopicPartition, Long> query = new HashMap<>();
    for (TopicPartition tp : partitions) {
      query.put(tp, time.toEpochMilli());
    }
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp o = found.get(tp);
      // No record at or after the time: the position is the end of the partition.
      out.put(tp, o == null ? ends.get(tp) : o.offset());
    }
    return out;
  }
}
