package dev.opsledger.kafka;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a bounded stretch of the log: the one way OpsLedger reads Kafka outside its stream bindings
 * (start-up replays, rebuilds, checkpoints, audits).
 *
 * <p>A scan fixes, when it starts, where it begins on each partition ({@link From}: the beginning,
 * a time, or explicit offsets) and where it stops ({@link Until}: the end offsets seen at start, a
 * time, or what a consumer group has committed), so it always terminates, even while services keep
 * writing. Records are decoded with the contract's {@link EventCodec}; a record that cannot be
 * decoded (poison: the bindings dead-letter it) is counted and handed to {@link Handler#poison},
 * never thrown.
 *
 * <p>It uses an assigned consumer without a group and commits nothing: a scan never moves a
 * service's offsets and never competes with a service for partitions.
 *
 * <p>Deadline policy: a {@code LogScan} is opened with a time budget that covers everything done
 * with it, metadata lookups included; every blocking call gets what is left of it. When the budget
 * is spent before a scan reaches its end, the call throws {@link LogScanTimeoutException}, so a
 * partial read is never mistaken for a complete one. The first lookup, before the cluster has
 * answered anything, gets at most {@link #FIRST_CONTACT}: a cluster that does not answer it is down
 * or elsewhere, and the caller hears so ({@link KafkaUnavailableException} naming the address) in
 * seconds rather than when the whole budget is spent.
 *
 * <p>Not thread-safe: one scan at a time, from one thread.
 */
public final class LogScan implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LogScan.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /** How long the first lookup waits for a cluster that has not answered yet. */
  public static final Duration FIRST_CONTACT = Duration.ofSeconds(15);

  private static final Duration COMMITTED_POLL = Duration.ofMillis(250);

  /** Where a scan begins on each partition. */
  public sealed interface From {

    /** From the first offset the log still has. */
    static From beginning() {
      return Beginning.INSTANCE;
    }

    /** From the first record whose timestamp is at or after {@code time}; {@code null}: start. */
    static From time(Instant time) {
      return time == null ? beginning() : new AtTime(time);
    }

    /** From the first offset the log still has. */
    enum Beginning implements From {
      /** The only value. */
      INSTANCE
    }

    /**
     * From the first record at or after a time.
     *
     * @param time the time
     */
    record AtTime(Instant time) implements From {}
  }

  /**
   * Where a scan stops on each partition (exclusive); always at or before the end seen at start.
   */
  public sealed interface Until {

    /** At the end offsets the log had when the scan started. */
    static Until endAtStart() {
      return EndAtStart.INSTANCE;
    }

    /** After the last record whose timestamp is at or before {@code time}; {@code null}: end. */
    static Until time(Instant time) {
      return time == null ? endAtStart() : new AtTime(time);
    }

    /**
     * At the offsets {@code group} has committed: what a service already handled. A partition the
     * group has no offset for is not read.
     */
    static Until committedBy(String group) {
      return new CommittedBy(group);
    }

    /** At the end offsets the log had when the scan started. */
    enum EndAtStart implements Until {
      /** The only value. */
      INSTANCE
    }

    /**
     * After the last record at or before a time.
     *
     * @param time the time
     */
    record AtTime(Instant time) implements Until {}

    /**
     * At a consumer group's committed offsets.
     *
     * @param group the consumer group
     */
    record CommittedBy(String group) implements Until {}
  }

  /**
   * Told about what a scan reads, in offset order per partition (partitions interleave).
   * Implementations may throw to abort the scan.
   */
  @FunctionalInterface
  public interface Handler {

    /** A decoded record. */
    void record(ScannedRecord record);

    /**
     * A record that cannot be decoded; it is counted in {@link Summary#poison()} either way. The
     * default skips it: the bindings dead-letter poison, and it carries nothing to rebuild from.
     */
    default void poison(ConsumerRecord<String, byte[]> raw, EventDecodingException error) {}

    /** {@code done} of {@code total} offsets read so far, for progress bars. */
    default void progress(long done, long total) {}
  }

  /**
   * What a scan read.
   *
   * @param records decoded records handed to the handler
   * @param poison records that could not be decoded
   */
  public record Summary(long records, long poison) {

    /** Nothing read. */
    public static final Summary EMPTY = new Summary(0, 0);

    /** Both counts added. */
    public Summary plus(Summary other) {
      return new Summary(records + other.records, poison + other.poison);
    }
  }

  /** Looks up a consumer group's committed offsets; the Admin client does it in a cluster. */
  @FunctionalInterface
  interface CommittedOffsets extends AutoCloseable {

    /** The committed offset of every partition the group has one for. */
    Map<TopicPartition, Long> of(String group, Duration timeout);

    @Override
    default void close() {}
  }

  private final Consumer<String, byte[]> consumer;
  private final CommittedOffsets committedOffsets;
  private final EventCodec codec;
  private final Clock clock;
  private final Duration budget;
  private final Instant deadline;
  private final String cluster;
  private boolean contacted;
  private boolean firstContactBinds;

  LogScan(
      Consumer<String, byte[]> consumer,
      CommittedOffsets committedOffsets,
      EventCodec codec,
      Clock clock,
      Duration budget,
      String cluster) {
    this.cluster = cluster;
    this.consumer = consumer;
    this.committedOffsets = committedOffsets;
    this.codec = codec;
    this.clock = clock;
    this.budget = budget;
    this.deadline = clock.instant().plus(budget);
  }

  /**
   * Opens a scan of the cluster at {@code bootstrapServers}.
   *
   * @param budget how long everything done with this scan may take, from now
   */
  public static LogScan open(String bootstrapServers, EventCodec codec, Duration budget) {
    return open(KafkaConnection.of(bootstrapServers), codec, budget, Clock.systemUTC());
  }

  /**
   * Opens a scan of the cluster {@code connection} reaches, with its client properties.
   *
   * @param budget how long everything done with this scan may take, from now
   */
  public static LogScan open(KafkaConnection connection, EventCodec codec, Duration budget) {
    return open(connection, codec, budget, Clock.systemUTC());
  }

  /** Opens a scan whose deadline is measured with {@code clock}. */
  public static LogScan open(
      String bootstrapServers, EventCodec codec, Duration budget, Clock clock) {
    return open(KafkaConnection.of(bootstrapServers), codec, budget, clock);
  }

  /** Opens a scan of {@code connection}'s cluster whose deadline is measured with {@code clock}. */
  public static LogScan open(
      KafkaConnection connection, EventCodec codec, Duration budget, Clock clock) {
    Map<String, Object> config = KafkaSettings.consumer(connection, null);
    // Fetches are bounded by bytes (the contract's fetch sizes); more records per poll only means
    // fewer round trips on a log of small events.
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    return new LogScan(
        new KafkaConsumer<>(config),
        new AdminOffsets(connection),
        codec,
        clock,
        budget,
        connection.bootstrapServers());
  }

  /** The partitions of {@code topic}; empty when the topic does not exist. */
  public List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos = kafka(() -> consumer.partitionsFor(topic, remaining()));
    List<TopicPartition> out = new ArrayList<>();
    if (infos != null) {
      infos.forEach(p -> out.add(new TopicPartition(topic, p.partition())));
    }
    return out;
  }

  /**
   * Reads {@code topics} from {@code from} until {@code until} and hands every record to {@code
   * handler}.
   *
   * @throws LogScanTimeoutException when the deadline passes first
   * @throws KafkaUnavailableException when the cluster refuses a lookup
   */
  public Summary scan(Collection<String> topics, From from, Until until, Handler handler) {
    return read(plan(topics, from, until), handler);
  }

  /**
   * Where a scan of {@code topics} would begin and stop on each partition, fixed now. Partitions
   * with nothing to read are included with an empty range.
   */
  public Map<TopicPartition, OffsetRange> plan(Collection<String> topics, From from, Until until) {
    List<TopicPartition> partitions = new ArrayList<>();
    topics.forEach(t -> partitions.addAll(partitions(t)));
    if (partitions.isEmpty()) {
      return Map.of();
    }
    // Offsets are looked up for assigned partitions only: with read_committed, the client warns
    // about every unassigned partition it learns a stable offset for.
    consumer.assign(partitions);
    Map<TopicPartition, Long> begin =
        kafka(() -> consumer.beginningOffsets(partitions, remaining()));
    Map<TopicPartition, Long> end = kafka(() -> consumer.endOffsets(partitions, remaining()));
    Map<TopicPartition, Long> starts = starts(partitions, from, begin, end);
    Map<TopicPartition, Long> stops = stops(partitions, until, end);
    Map<TopicPartition, OffsetRange> out = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      out.put(tp, new OffsetRange(starts.get(tp), stops.get(tp)));
    }
    consumer.unsubscribe();
    return out;
  }

  /**
   * Reads the given ranges and hands every record to {@code handler}.
   *
   * @throws LogScanTimeoutException when the deadline passes first
   */
  public Summary read(Map<TopicPartition, OffsetRange> ranges, Handler handler) {
    long[] counts = new long[2];
    long total = readRaw(ranges, r -> counts[handle(r, handler) ? 0 : 1]++, handler::progress);
    if (total > 0) {
      handler.progress(total, total);
    }
    return new Summary(counts[0], counts[1]);
  }

  /**
   * Reads the given ranges and hands every record, undecoded, to {@code handler}: for topics whose
   * records are not events (the checkpoint topics), tombstones included.
   *
   * @return how many records were handed on
   * @throws LogScanTimeoutException when the deadline passes first
   */
  public long readRaw(
      Map<TopicPartition, OffsetRange> ranges,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> handler) {
    long[] count = new long[1];
    readRaw(
        ranges,
        r -> {
          count[0]++;
          handler.accept(r);
        },
        (done, total) -> {});
    return count[0];
  }

  /** Reads the ranges; returns the number of offsets they span. */
  private long readRaw(
      Map<TopicPartition, OffsetRange> ranges,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> handler,
      Progress progress) {
    Map<TopicPartition, Long> stops = new HashMap<>();
    long total = 0;
    for (Map.Entry<TopicPartition, OffsetRange> e : ranges.entrySet()) {
      if (!e.getValue().isEmpty()) {
        stops.put(e.getKey(), e.getValue().to());
        total += e.getValue().size();
      }
    }
    if (stops.isEmpty()) {
      progress.progress(0, 0);
      return 0;
    }
    consumer.assign(stops.keySet());
    stops.keySet().forEach(tp -> consumer.seek(tp, ranges.get(tp).from()));
    Set<TopicPartition> open = new HashSet<>(stops.keySet());
    long done = 0;
    try {
      while (true) {
        // A transaction marker or a compacted gap can end a partition without a record at its
        // last offset: the position, not the last record seen, says when a partition is done.
        Set<TopicPartition> finished = new HashSet<>();
        for (TopicPartition tp : open) {
          if (kafka(() -> consumer.position(tp, remaining())) >= stops.get(tp)) {
            finished.add(tp);
          }
        }
        if (!finished.isEmpty()) {
          consumer.pause(finished);
          open.removeAll(finished);
        }
        if (open.isEmpty()) {
          break;
        }
        Duration left = remaining();
        for (ConsumerRecord<String, byte[]> r : kafka(() -> consumer.poll(min(POLL, left)))) {
          Long stop = stops.get(new TopicPartition(r.topic(), r.partition()));
          if (stop == null || r.offset() >= stop) {
            continue;
          }
          done++;
          handler.accept(r);
        }
        progress.progress(done, total);
      }
    } finally {
      consumer.unsubscribe();
    }
    return total;
  }

  /** Progress of a read: offsets read of offsets to read. */
  @FunctionalInterface
  private interface Progress {
    void progress(long done, long total);
  }

  /**
   * Waits until every consumer group has committed, on every non-empty partition of its topic, the
   * end offset that partition had when the wait began.
   *
   * @param groupByTopic the consumer group of each topic
   * @throws LogScanTimeoutException when the deadline passes first
   * @throws InterruptedException when the wait is interrupted (shutdown)
   */
  public void awaitCommitted(Map<String, String> groupByTopic) throws InterruptedException {
    List<TopicPartition> partitions = new ArrayList<>();
    groupByTopic.keySet().forEach(t -> partitions.addAll(partitions(t)));
    Map<TopicPartition, Long> end = new HashMap<>();
    if (!partitions.isEmpty()) {
      consumer.assign(partitions);
      kafka(() -> consumer.endOffsets(partitions, remaining()))
          .forEach(
              (tp, offset) -> {
                if (offset > 0) {
                  end.put(tp, offset);
                }
              });
      consumer.unsubscribe();
    }
    LOG.info(
        "waiting for the groups {} to commit {} records",
        groupByTopic,
        end.values().stream().mapToLong(Long::longValue).sum());
    while (!committedUpTo(groupByTopic, end)) {
      Duration left = remaining();
      Thread.sleep(min(COMMITTED_POLL, left).toMillis());
    }
  }

  @Override
  public void close() {
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    } finally {
      committedOffsets.close();
    }
  }

  private boolean committedUpTo(Map<String, String> groupByTopic, Map<TopicPartition, Long> end) {
    Map<String, Map<TopicPartition, Long>> byGroup = new HashMap<>();
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      String group = groupByTopic.get(e.getKey().topic());
      Map<TopicPartition, Long> committed =
          byGroup.computeIfAbsent(group, g -> committedOffsets.of(g, remaining()));
      Long at = committed.get(e.getKey());
      if (at == null || at < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private Map<TopicPartition, Long> starts(
      List<TopicPartition> partitions,
      From from,
      Map<TopicPartition, Long> begin,
      Map<TopicPartition, Long> end) {
    if (!(from instanceof From.AtTime t)) {
      return begin;
    }
    Map<TopicPartition, Long> at = offsetsAt(partitions, t.time(), end);
    Map<TopicPartition, Long> out = new HashMap<>();
    partitions.forEach(tp -> out.put(tp, Math.max(begin.get(tp), at.get(tp))));
    return out;
  }

  private Map<TopicPartition, Long> stops(
      List<TopicPartition> partitions, Until until, Map<TopicPartition, Long> end) {
    if (until instanceof Until.AtTime t) {
      return offsetsAt(partitions, t.time().plusMillis(1), end);
    }
    if (until instanceof Until.CommittedBy c) {
      Map<TopicPartition, Long> committed = committedOffsets.of(c.group(), remaining());
      Map<TopicPartition, Long> out = new HashMap<>();
      partitions.forEach(tp -> out.put(tp, Math.min(end.get(tp), committed.getOrDefault(tp, 0L))));
      return out;
    }
    return end;
  }

  /** The first offset at or after {@code time}; the end when no record is that recent. */
  private Map<TopicPartition, Long> offsetsAt(
      List<TopicPartition> partitions, Instant time, Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, time.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found =
        kafka(() -> consumer.offsetsForTimes(query, remaining()));
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp o = found.get(tp);
      out.put(tp, o == null ? end.get(tp) : Math.min(o.offset(), end.get(tp)));
    }
    return out;
  }

  /** Decodes a record and hands it on; false when it is poison. */
  private boolean handle(ConsumerRecord<String, byte[]> r, Handler handler) {
    ScannedRecord decoded;
    try {
      decoded = ScannedRecord.decode(r, codec);
    } catch (EventDecodingException e) {
      LOG.debug(
          "skipping an unreadable record at {}-{}@{}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
      handler.poison(r, e);
      return false;
    }
    handler.record(decoded);
    return true;
  }

  /** What is left of the budget; throws once it is spent. */
  private Duration remaining() {
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new LogScanTimeoutException("reading the log took longer than " + budget, null);
    }
    // Before first contact the shorter wait binds only when the budget is longer: a shorter
    // budget running out is the budget's timeout, as before.
    firstContactBinds = !contacted && left.compareTo(FIRST_CONTACT) > 0;
    return contacted ? left : min(left, FIRST_CONTACT);
  }

  /** Runs a client call; the client's own timeout is this scan's deadline passing. */
  private <T> T kafka(java.util.function.Supplier<T> call) {
    try {
      T answer = call.get();
      contacted = true;
      return answer;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      if (!contacted && firstContactBinds) {
        throw new KafkaUnavailableException(
            "cannot reach Kafka at "
                + cluster
                + " (no answer within "
                + FIRST_CONTACT.toSeconds()
                + " s): is the broker running?",
            e);
      }
      throw new LogScanTimeoutException(
          "reading the log took longer than " + budget + ": " + e.getMessage(), e);
    } catch (org.apache.kafka.common.errors.AuthenticationException
        | org.apache.kafka.common.errors.AuthorizationException e) {
      throw KafkaAccessDeniedException.find(e, "reading the log");
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Committed offsets through the Admin client, created on first use. */
  private static final class AdminOffsets implements CommittedOffsets {

    private final KafkaConnection connection;
    private Admin admin;

    AdminOffsets(KafkaConnection connection) {
      this.connection = connection;
    }

    @Override
    public Map<TopicPartition, Long> of(String group, Duration timeout) {
      if (admin == null) {
        admin = Admin.create(KafkaSettings.admin(connection));
      }
      try {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach(
            (tp, om) -> {
              if (om != null) {
                out.put(tp, om.offset());
              }
            });
        return out;
      } catch (java.util.concurrent.TimeoutException e) {
        throw new LogScanTimeoutException(
            "reading the committed offsets of " + group + " took longer than " + timeout, e);
      } catch (ExecutionException e) {
        KafkaAccessDeniedException.rethrow(e, "reading the committed offsets of " + group);
        throw new KafkaUnavailableException(
            "cannot read the committed offsets of " + group + ": " + e.getCause(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaUnavailableException("interrupted while reading committed offsets", e);
      } catch (KafkaException e) {
        KafkaAccessDeniedException.rethrow(e, "reading the committed offsets of " + group);
        throw new KafkaUnavailableException(
            "cannot read the committed offsets of " + group + ": " + e, e);
      }
    }

    @Override
    public void close() {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
    }
  }
}
