package dev.opsledger.differ.outbox;

import dev.opsledger.kafka.CheckpointSchedule;
import dev.opsledger.kafka.Checkpoints;
import dev.opsledger.kafka.Rebuild;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the snapshot of {@link LastPublished} fresh: every {@code checkpoint-interval}, in the
 * background, it rebuilds the last published state per resource from the newest snapshot and the
 * diffs after it, and writes it to {@code opsledger.differ.checkpoints}. So a rebuild (a lost
 * database) reads a snapshot and about one interval of {@code opsledger.diffs}, not the whole
 * topic. A failed checkpoint is logged and tried again at the next interval.
 */
public final class PublishedCheckpoints implements SmartLifecycle {

  private final LastPublished reader;
  private final Checkpoints checkpoints;
  private final CheckpointSchedule schedule;

  /**
   * Creates the checkpointer.
   *
   * @param interval how often; zero or negative: never
   */
  public PublishedCheckpoints(LastPublished reader, Checkpoints checkpoints, Duration interval) {
    this.reader = reader;
    this.checkpoints = checkpoints;
    this.schedule = new CheckpointSchedule("differ", interval);
  }

  /** Writes a snapshot now, unless nothing was published since the newest one. */
  public void checkpoint() {
    Rebuild.Result<LastPublished.Projection> result = reader.rebuild();
    if (result.nothingNew()) {
      return;
    }
    result.checkpoint(checkpoints);
  }

  @Override
  public void start() {
    if (schedule.periodic()) {
      schedule.start(null, this::checkpoint);
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
}
