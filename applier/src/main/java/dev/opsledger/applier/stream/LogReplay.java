package dev.opsledger.applier.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.applier.engine.ApplyEngine;
import dev.opsledger.applier.engine.ReplayState;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.Checkpoints;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.LogScan;
import dev.opsledger.kafka.LogScan.Until;
import dev.opsledger.kafka.OffsetRange;
import dev.opsledger.kafka.Rebuild;
import dev.opsledger.kafka.ScannedRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the applier's memory at start from {@code opsledger.desired}, {@code opsledger.applies},
 * {@code opsledger.diffs} and {@code opsledger.approvals} with a {@link LogScan} (no group, nothing
 * committed), up to the end offsets found at start.
 *
 * <p>It starts from the newest snapshot on {@code opsledger.applier.checkpoints} and reads only the
 * records after the offsets it covers ({@link Rebuild}); without a usable snapshot (none yet, an
 * old log, a corrupt one) it reads the topics from the beginning. The log stays the only state: a
 * snapshot is derived from it, so an applier replaced on another node (or with a lost disk) starts
 * right, and deleting the checkpoint topic only costs a full read. The read is bounded by {@code
 * opsledger.applier.replay-timeout} (past it, the scan's {@link
 * dev.opsledger.kafka.LogScanTimeoutException} stops the applier from starting half-restored). The
 * stream bindings then resume from their committed offsets; what they deliver again is handled
 * idempotently.
 */
public final class LogReplay {

  private static final Logger LOG = LoggerFactory.getLogger(LogReplay.class);

  /** The topics the applier's memory is rebuilt from. */
  public static final List<String> TOPICS =
      List.of(
          Topic.DESIRED.topicName(),
          Topic.APPLIES.topicName(),
          Topic.DIFFS.topicName(),
          Topic.APPROVALS.topicName());

  private final KafkaConnection connection;
  private final EventCodec codec;
  private final Duration timeout;
  private final Clock clock;
  private final Checkpoints checkpoints;
  private final int keepDiffIds;
  private final Duration forgetRemovedAfter;

  /** A replay that reads the whole log every time (no snapshots). */
  public LogReplay(KafkaConnection connection, EventCodec codec, Duration timeout, Clock clock) {
    this(connection, codec, timeout, clock, null, Integer.MAX_VALUE, Duration.ZERO);
  }

  /**
   * A replay against these servers.
   *
   * @param checkpoints where snapshots are read from, or {@code null} to read the whole log
   * @param keepDiffIds the redelivery window: diff ids kept beyond each resource's latest diff
   * @param forgetRemovedAfter how long a removed resource is remembered; zero: forever
   */
  public LogReplay(
      KafkaConnection connection,
      EventCodec codec,
      Duration timeout,
      Clock clock,
      Checkpoints checkpoints,
      int keepDiffIds,
      Duration forgetRemovedAfter) {
    this.connection = connection;
    this.codec = codec;
    this.timeout = timeout;
    this.clock = clock;
    this.checkpoints = checkpoints;
    this.keepDiffIds = keepDiffIds;
    this.forgetRemovedAfter = forgetRemovedAfter;
  }

  /**
   * Reads the log and restores the engine with all of its work: one applier owning every resource.
   *
   * @param engine the engine to restore
   * @param ours which resources this applier converges (others are not kept in the engine)
   * @return what was rebuilt, to be written as the next snapshot
   */
  public Rebuild.Result<Projection> restore(ApplyEngine engine, Predicate<ResourceKey> ours) {
    return restore(engine, ours, true);
  }

  /**
   * Reads the log and restores what every replica of the engine reads ({@link
   * ReplayState#restoreShared}); the work is handed over later, per owned diffs partition ({@link
   * ReplayState#adopt}).
   *
   * @param engine the engine to restore
   * @param ours which resources this applier converges (others are not kept in the engine)
   * @return what was rebuilt, to be written as the next snapshot and caught up at each assignment
   */
  public Rebuild.Result<Projection> restoreShared(ApplyEngine engine, Predicate<ResourceKey> ours) {
    return restore(engine, ours, false);
  }

  private Rebuild.Result<Projection> restore(
      ApplyEngine engine, Predicate<ResourceKey> ours, boolean withWork) {
    Instant start = clock.instant();
    Rebuild.Result<Projection> result = rebuild();
    if (withWork) {
      result.projection().state().restore(engine, ours, clock.instant());
    } else {
      result.projection().state().restoreShared(engine, ours);
    }
    LOG.info(
        "replayed {} records of the log ({} unreadable, skipped){} in {} ms",
        result.read().records(),
        result.read().poison(),
        result.fromSnapshot() ? " after a snapshot of " + result.snapshot().createdAt() : "",
        Duration.between(start, clock.instant()).toMillis());
    return result;
  }

  /**
   * Rebuilds the state from the newest snapshot and the records after it, compacted, without
   * touching an engine: what a periodic checkpoint writes.
   */
  public Rebuild.Result<Projection> rebuild() {
    Rebuild.Result<Projection> result;
    try (LogScan scan = LogScan.open(connection, codec, timeout, clock)) {
      result = Rebuild.run(scan, checkpoints, TOPICS, Until.endAtStart(), this::fresh);
    }
    result.projection().forgotten = result.projection().state().compact(clock.instant());
    return result;
  }

  /**
   * Folds into {@code projection} the records written after {@code covers}, up to the end the log
   * has now: a replica taking over diffs partitions derives their work from a state as new as the
   * previous owner's last outcome.
   *
   * @return the offsets the projection now covers
   */
  public Map<TopicPartition, Long> catchUp(
      Projection projection, Map<TopicPartition, Long> covers) {
    Instant start = clock.instant();
    try (LogScan scan = LogScan.open(connection, codec, timeout, clock)) {
      Map<TopicPartition, OffsetRange> ranges = new LinkedHashMap<>();
      Map<TopicPartition, Long> next = new HashMap<>();
      scan.plan(TOPICS, LogScan.From.beginning(), Until.endAtStart())
          .forEach(
              (tp, r) -> {
                long from = Math.max(r.from(), covers.getOrDefault(tp, 0L));
                ranges.put(tp, new OffsetRange(from, r.to()));
                next.put(tp, Math.max(from, r.to()));
              });
      LogScan.Summary read = scan.read(ranges, projection::apply);
      LOG.info(
          "caught up with {} records of the log in {} ms",
          read.records() + read.poison(),
          Duration.between(start, clock.instant()).toMillis());
      return next;
    }
  }

  private Projection fresh() {
    return new Projection(new ReplayState(codec, keepDiffIds, forgetRemovedAfter));
  }

  /** The applier's {@link ReplayState} as a {@link Rebuild.Projection}: records by topic. */
  public static final class Projection implements Rebuild.Projection {

    private final ReplayState state;
    private List<ResourceKey> forgotten = List.of();

    Projection(ReplayState state) {
      this.state = state;
    }

    /** The state. */
    public ReplayState state() {
      return state;
    }

    /** The resources the last compaction forgot. */
    public List<ResourceKey> forgotten() {
      return forgotten;
    }

    @Override
    public void restore(JsonNode entry) {
      state.restore(entry);
    }

    @Override
    public void apply(ScannedRecord r) {
      Topic topic = r.event().type().topic();
      if (topic == Topic.DESIRED) {
        state.desired(r.data());
      } else if (topic == Topic.DIFFS) {
        state.diff(r.event());
      } else if (topic == Topic.APPLIES) {
        state.apply(r.event());
      } else if (topic == Topic.APPROVALS) {
        state.approval(r.event());
      }
    }

    @Override
    public void snapshot(Consumer<JsonNode> out) {
      state.entries(out);
    }
  }
}
