package dev.opsledger.audit;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.LogScan;
import dev.opsledger.kafka.LogScan.From;
import dev.opsledger.kafka.LogScan.Until;
import dev.opsledger.kafka.OffsetRange;
import dev.opsledger.kafka.ScannedRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads a time range of topics from the log, partition by partition, up to the end the log had when
 * the read started, with a {@link LogScan}. Uses no consumer group: reading for an audit never
 * moves a service's committed offsets and never competes with a service for partitions. Records
 * that cannot be decoded are handed on too, as unreadable {@link LoggedEvent}s: an audit shows
 * them.
 *
 * <p>A reader has a deadline ({@value #DEFAULT_DEADLINE_MINUTES} minutes unless given): reads still
 * running when it passes fail with {@link dev.opsledger.kafka.LogScanTimeoutException}.
 */
public final class LogReader implements AutoCloseable {

  /** Told how far a read has come, for progress bars. */
  public interface Progress {
    /** {@code done} of {@code total} records read. */
    void update(long done, long total);
  }

  /** How long a reader may read, by default. */
  public static final long DEFAULT_DEADLINE_MINUTES = 10;

  /**
   * The topics whose record key is a resource key for every event about one resource (an approval
   * or a notice of a whole source is keyed by the source, and is about no single resource).
   */
  static final Set<Topic> KEYED_BY_RESOURCE =
      EnumSet.of(
          Topic.DESIRED,
          Topic.OBSERVED,
          Topic.DIFFS,
          Topic.APPLIES,
          Topic.APPROVALS,
          Topic.NOTIFICATIONS);

  private final LogScan scan;
  private long recordsRead;

  /** A reader for the plaintext cluster at {@code bootstrapServers}, with the default deadline. */
  public LogReader(String bootstrapServers) {
    this(KafkaConnection.of(bootstrapServers));
  }

  /** A reader for the cluster {@code connection} reaches, with the default deadline. */
  public LogReader(KafkaConnection connection) {
    this(connection, Duration.ofMinutes(DEFAULT_DEADLINE_MINUTES));
  }

  /** A reader for the cluster {@code connection} reaches whose reads end by {@code deadline}. */
  public LogReader(KafkaConnection connection, Duration deadline) {
    this.scan = LogScan.open(connection, new EventCodec(), deadline);
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
    read(
        scan.plan(topics.stream().map(Topic::topicName).toList(), From.time(from), Until.time(to)),
        sink,
        progress);
  }

  /**
   * The records of {@code topics} in {@code [from, to]} that can concern the record key {@code
   * key}, in log order: of each topic keyed by resource, only the partition the key is written to
   * (Kafka's default partitioner: murmur2 of the key's bytes, as the services' producers use); of
   * other topics, everything. A resource's history so reads one partition of each of its topics.
   */
  public List<LoggedEvent> readKey(Collection<Topic> topics, String key, Instant from, Instant to) {
    Map<TopicPartition, OffsetRange> plan =
        scan.plan(topics.stream().map(Topic::topicName).toList(), From.time(from), Until.time(to));
    Map<String, Integer> partitionCounts = new LinkedHashMap<>();
    plan.keySet().forEach(tp -> partitionCounts.merge(tp.topic(), 1, Integer::sum));
    Map<TopicPartition, OffsetRange> keyed = new LinkedHashMap<>();
    plan.forEach(
        (tp, range) -> {
          if (!isKeyedByResource(tp.topic())
              || tp.partition() == partitionOf(key, partitionCounts.get(tp.topic()))) {
            keyed.put(tp, range);
          }
        });
    List<LoggedEvent> out = new ArrayList<>();
    read(keyed, out::add, null);
    out.sort(LoggedEvent.LOG_ORDER);
    return out;
  }

  /**
   * Hands on, in log order, every record of {@code topics} after {@code positions} (the next offset
   * to read of each partition; a partition not in it is read from its start) up to the end the log
   * has now, and moves {@code positions} past them: called again, it reads only what was written
   * since. For views that follow the log, such as {@code opsledger up}'s status table.
   */
  public void readNew(
      Collection<Topic> topics, Map<TopicPartition, Long> positions, Consumer<LoggedEvent> sink) {
    Map<TopicPartition, OffsetRange> plan =
        scan.plan(
            topics.stream().map(Topic::topicName).toList(), From.beginning(), Until.endAtStart());
    Map<TopicPartition, OffsetRange> unread = new LinkedHashMap<>();
    plan.forEach(
        (tp, range) -> {
          long next = Math.max(range.from(), positions.getOrDefault(tp, range.from()));
          if (next < range.to()) {
            unread.put(tp, new OffsetRange(next, range.to()));
          }
        });
    List<LoggedEvent> batch = new ArrayList<>();
    read(unread, batch::add, null);
    batch.sort(LoggedEvent.LOG_ORDER);
    batch.forEach(sink);
    unread.forEach((tp, range) -> positions.put(tp, range.to()));
  }

  /** How many records this reader has handed on (readable or not) since it was opened. */
  public long recordsRead() {
    return recordsRead;
  }

  /** The partition Kafka's default partitioner gives a record with this key. */
  static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private static boolean isKeyedByResource(String topicName) {
    return KEYED_BY_RESOURCE.stream().anyMatch(t -> t.topicName().equals(topicName));
  }

  private void read(
      Map<TopicPartition, OffsetRange> ranges, Consumer<LoggedEvent> sink, Progress progress) {
    scan.read(
        ranges,
        new LogScan.Handler() {
          @Override
          public void record(ScannedRecord r) {
            recordsRead++;
            sink.accept(
                new LoggedEvent(
                    r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.event(), null));
          }

          @Override
          public void poison(ConsumerRecord<String, byte[]> r, EventDecodingException error) {
            recordsRead++;
            sink.accept(
                new LoggedEvent(
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    Instant.ofEpochMilli(r.timestamp()),
                    r.key(),
                    null,
                    error.getMessage()));
          }

          @Override
          public void progress(long done, long total) {
            if (progress != null) {
              progress.update(done, total);
            }
          }
        });
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
    scan.close();
  }
}
