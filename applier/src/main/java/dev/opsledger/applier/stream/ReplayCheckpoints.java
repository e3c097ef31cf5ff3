package dev.opsledger.applier.stream;

import dev.opsledger.applier.engine.ApplyEngine;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.kafka.CheckpointSchedule;
import dev.opsledger.kafka.Checkpoints;
import dev.opsledger.kafka.Rebuild;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Restores the applier at start ({@link LogReplay}) and keeps its snapshot fresh: right after start
 * it writes the state it rebuilt, then every {@code checkpoint-interval} it rebuilds the state from
 * the newest snapshot and the records after it, in the background, and writes it again. So a
 * restart reads at most about one interval of the log, whatever its length.
 *
 * <p>A checkpoint is rebuilt from the log rather than copied from the running engine: the engine's
 * memory moves with several consumers at once and with the applier's own outcomes, so no set of
 * offsets describes it exactly, while a fold of the log up to fixed offsets is exact by
 * construction. The same compaction also makes the engine forget the resources it dropped.
 *
 * <p>A failed checkpoint (Kafka unavailable, a budget spent) is logged and tried again at the next
 * interval; it never stops the applier.
 */
public final class ReplayCheckpoints implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(ReplayCheckpoints.class);

  private final LogReplay replay;
  private final Checkpoints checkpoints;
  private final CheckpointSchedule schedule;
  private volatile ApplyEngine engine;
  private volatile Rebuild.Result<LogReplay.Projection> initial;

  /**
   * The state rebuilt at start, caught up with the log at each assignment of diffs partitions
   * ({@link #adopt}); guarded by {@code this}.
   */
  private LogReplay.Projection tail;

  private Map<TopicPartition, Long> tailCovers = Map.of();
  private volatile Map<TopicPartition, Long> startCovers = Map.of();

  /**
   * Creates the checkpointer.
   *
   * @param checkpoints where snapshots go, or {@code null}: never written
   * @param interval how often a snapshot is written; zero or negative: only at start
   */
  public ReplayCheckpoints(LogReplay replay, Checkpoints checkpoints, Duration interval) {
    this.replay = replay;
    this.checkpoints = checkpoints;
    this.schedule = new CheckpointSchedule("applier", interval);
  }

  /**
   * Restores what every replica of the engine reads from the log (at start, before any consumer);
   * the work comes with the diffs partitions ({@link #adopt}).
   */
  public synchronized void restore(ApplyEngine engine, Predicate<ResourceKey> ours) {
    this.engine = engine;
    Rebuild.Result<LogReplay.Projection> result = replay.restoreShared(engine, ours);
    this.initial = result;
    this.tail = result.projection();
    this.tailCovers = Map.copyOf(result.covers());
    this.startCovers = Map.copyOf(result.covers());
  }

  /**
   * Where the start-up replay stopped on a partition of the topics it read: the readers of every
   * replica (desired state, approvals, diffs) continue from there. {@code null} for a partition it
   * did not read.
   */
  public Long replayedUpTo(TopicPartition partition) {
    return startCovers.get(partition);
  }

  /**
   * Hands the engine the work of the resources {@code owned} picks (those of the diffs partitions
   * just assigned), derived from the state rebuilt at start caught up with the log now.
   */
  public synchronized void adopt(Predicate<ResourceKey> owned) {
    tailCovers = Map.copyOf(replay.catchUp(tail, tailCovers));
    Instant now = Instant.now();
    tail.state().compact(now);
    tail.state().adopt(engine, owned, now);
  }

  /** Writes a snapshot now: rebuilt from the newest one and the records after it. */
  public void checkpoint() {
    Rebuild.Result<LogReplay.Projection> result = replay.rebuild();
    keepAsTail(result);
    List<ResourceKey> forgotten = result.projection().forgotten();
    if (engine != null && !forgotten.isEmpty()) {
      engine.forget(forgotten);
      LOG.info("forgot {} resources removed long ago", forgotten.size());
    }
    if (result.nothingNew() && forgotten.isEmpty()) {
      return;
    }
    result.checkpoint(checkpoints);
  }

  /**
   * Takes a state rebuilt for a checkpoint as the one the next assignment catches up, when it is at
   * least as new on every partition: so a catch-up reads at most one checkpoint interval of the
   * log, and only one rebuilt state stays in memory.
   */
  private synchronized void keepAsTail(Rebuild.Result<LogReplay.Projection> result) {
    if (tail == null || initial != null) {
      return;
    }
    for (Map.Entry<TopicPartition, Long> e : tailCovers.entrySet()) {
      if (result.covers().getOrDefault(e.getKey(), 0L) < e.getValue()) {
        return;
      }
    }
    tail = result.projection();
    tailCovers = Map.copyOf(result.covers());
  }

  @Override
  public void start() {
    if (checkpoints != null) {
      schedule.start(this::writeInitial, this::checkpoint);
    }
  }

  @Override
  public void stop() {
    schedule.stop();
  }

  @Override
  public boolean isRunning() {
    return schedule.isRunning();
  }

  private synchronized void writeInitial() {
    Rebuild.Result<LogReplay.Projection> result = initial;
    initial = null;
    if (result != null && !result.nothingNew()) {
      // The state as caught up so far (the assignment may have folded more of the log into it).
      new Rebuild.Result<>(tail, result.read(), result.snapshot(), tailCovers)
          .checkpoint(checkpoints);
    }
  }
}
