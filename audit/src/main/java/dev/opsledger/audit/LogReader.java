package dev.opsledger.audit;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaSettings;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

  private final KafkaConnection connection;
  private final LogScan scan;
  private final EventCodec codec = new EventCodec();
  private final Set<TopicPartition> partitionsRead = new HashSet<>();
  private KafkaConsumer<String, byte[]> fetcher;
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
    this.connection = connection;
    this.scan = LogScan.open(connection, codec, deadline);
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

  /**
   * Where a read of {@code topics} in {@code [from, to]} begins and ends on each partition, fixed
   * now (nulls: the start of the log, the end it has now).
   */
  public Map<TopicPartition, OffsetRange> plan(Collection<Topic> topics, Instant from, Instant to) {
    return scan.plan(
        topics.stream().map(Topic::topicName).toList(), From.time(from), Until.time(to));
  }

  /** Hands on every record of the given ranges, in offset order per partition. */
  public void read(Map<TopicPartition, OffsetRange> ranges, Consumer<LoggedEvent> sink) {
    read(ranges, sink, null);
  }

  /** Hands on every record of the given ranges undecoded: for what needs only keys and headers. */
  public void readRaw(
      Map<TopicPartition, OffsetRange> ranges, Consumer<ConsumerRecord<String, byte[]>> sink) {
    ranges.forEach((tp, r) -> noteRead(tp, r));
    scan.readRaw(
        ranges,
        r -> {
          recordsRead++;
          sink.accept(r);
        });
  }

  /**
   * Hands on, decoded, only the records of {@code topics} in {@code [from, to]} that {@code wanted}
   * accepts undecoded (by key, headers or bytes), in offset order per partition; the others are
   * read but never decoded. For questions that keep a few records of a long log: a record costs its
   * decoding only when it may be one of them.
   */
  public void scanMatching(
      Collection<Topic> topics,
      Instant from,
      Instant to,
      java.util.function.Predicate<ConsumerRecord<String, byte[]>> wanted,
      Consumer<LoggedEvent> sink) {
    readRaw(
        plan(topics, from, to),
        r -> {
          if (r.value() != null && wanted.test(r)) {
            sink.accept(toLoggedEvent(r));
          }
        });
  }

  /**
   * Hands on the records at the given offsets of each partition (sorted ascending), by seeking to
   * them: what an offset index finds is fetched without reading what lies between. An offset the
   * log no longer has (retention) is passed over.
   */
  public void readOffsets(Map<TopicPartition, long[]> offsets, Consumer<LoggedEvent> sink) {
    Map<TopicPartition, long[]> wanted = new HashMap<>();
    offsets.forEach(
        (tp, o) -> {
          if (o.length > 0) {
            wanted.put(tp, o);
          }
        });
    if (wanted.isEmpty()) {
      return;
    }
    KafkaConsumer<String, byte[]> fetcher = fetcher();
    partitionsRead.addAll(wanted.keySet());
    // All partitions at once: their fetches overlap instead of adding up.
    fetcher.assign(wanted.keySet());
    Map<TopicPartition, Integer> next = new HashMap<>();
    wanted.forEach(
        (tp, o) -> {
          fetcher.seek(tp, o[0]);
          next.put(tp, 0);
        });
    Set<TopicPartition> open = new HashSet<>(wanted.keySet());
    long deadline = System.nanoTime() + Duration.ofMinutes(DEFAULT_DEADLINE_MINUTES).toNanos();
    try {
      while (!open.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new org.apache.kafka.common.errors.TimeoutException(
              "reading " + open + " at their indexed offsets took too long");
        }
        var records = fetcher.poll(Duration.ofMillis(200));
        for (TopicPartition tp : records.partitions()) {
          long[] w = wanted.get(tp);
          int i = next.get(tp);
          long last = -1;
          for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
            last = r.offset();
            while (i < w.length && w[i] < r.offset()) {
              i++; // gone from the log, or a transaction marker: nothing to hand on
            }
            if (i < w.length && w[i] == r.offset()) {
              recordsRead++;
              sink.accept(toLoggedEvent(r));
              i++;
            }
          }
          next.put(tp, i);
          if (i >= w.length) {
            open.remove(tp);
            fetcher.pause(List.of(tp));
          } else if (w[i] > last + 1) {
            fetcher.seek(tp, w[i]);
          }
        }
        if (records.isEmpty()) {
          passOverWhatTheLogNoLongerHas(fetcher, open, wanted, next);
        }
      }
    } finally {
      fetcher.unsubscribe();
    }
  }

  /** Offsets past the end or before the start of their partition are never fetched: skip them. */
  private static void passOverWhatTheLogNoLongerHas(
      KafkaConsumer<String, byte[]> fetcher,
      Set<TopicPartition> open,
      Map<TopicPartition, long[]> wanted,
      Map<TopicPartition, Integer> next) {
    Map<TopicPartition, Long> ends = fetcher.endOffsets(open);
    Map<TopicPartition, Long> begins = fetcher.beginningOffsets(open);
    for (TopicPartition tp : List.copyOf(open)) {
      long[] w = wanted.get(tp);
      int i = next.get(tp);
      while (i < w.length && (w[i] >= ends.get(tp) || w[i] < begins.get(tp))) {
        i++;
      }
      next.put(tp, i);
      if (i >= w.length) {
        open.remove(tp);
        fetcher.pause(List.of(tp));
      } else if (fetcher.position(tp) != w[i]) {
        fetcher.seek(tp, w[i]);
      }
    }
  }

  /**
   * The first offset of each partition whose record is at or after {@code millis}, or its end: one
   * request, without the metadata look-ups of a {@link #plan}.
   */
  public Map<TopicPartition, Long> offsetsAt(Collection<TopicPartition> partitions, long millis) {
    KafkaConsumer<String, byte[]> fetcher = fetcher();
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, millis));
    var found = fetcher.offsetsForTimes(query, Duration.ofMinutes(1));
    Map<TopicPartition, Long> missing = new HashMap<>();
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      var o = found.get(tp);
      if (o == null) {
        missing.put(tp, 0L);
      } else {
        out.put(tp, o.offset());
      }
    }
    if (!missing.isEmpty()) {
      out.putAll(fetcher.endOffsets(missing.keySet(), Duration.ofMinutes(1)));
    }
    return out;
  }

  private KafkaConsumer<String, byte[]> fetcher() {
    if (fetcher == null) {
      Map<String, Object> config = KafkaSettings.consumer(connection, null);
      // A fetch returns at least one whole batch; a small limit keeps a seek from pulling in
      // a megabyte of other resources' records.
      config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "16384");
      config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "65536");
      fetcher = new KafkaConsumer<>(config);
    }
    return fetcher;
  }

  private LoggedEvent toLoggedEvent(ConsumerRecord<String, byte[]> r) {
    try {
      ScannedRecord d = ScannedRecord.decode(r, codec);
      return new LoggedEvent(
          d.topic(), d.partition(), d.offset(), d.timestamp(), d.key(), d.event(), null);
    } catch (EventDecodingException error) {
      return new LoggedEvent(
          r.topic(),
          r.partition(),
          r.offset(),
          Instant.ofEpochMilli(r.timestamp()),
          r.key(),
          null,
          error.getMessage());
    }
  }

  /** How many partitions {@code topic} has (0 when it does not exist). */
  public int partitions(Topic topic) {
    return scan.partitions(topic.topicName()).size();
  }

  /** The partitions this reader has read from (ranges or offsets) since it was opened. */
  public Set<TopicPartition> partitionsRead() {
    return Set.copyOf(partitionsRead);
  }

  private void noteRead(TopicPartition tp, OffsetRange r) {
    if (!r.isEmpty()) {
      partitionsRead.add(tp);
    }
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
    ranges.forEach(this::noteRead);
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
    if (fetcher != null) {
      fetcher.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
    scan.close();
  }
}
