package dev.opsledger.differ.outbox;

import dev.opsledger.kafka.Checkpoints;
import dev.opsledger.kafka.Rebuild;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the snapshot of {@link LastPublished} fresh: every {@code checkpoint-interval}, in the
 * background, it rebuilds the last published state per resource from the newest snapshot and the
 * diffs after it, and writes it to {@code opsledger.differ.checkpoints}. So a rebuild (a lost
 * database) reads a snapshot and about one interval of {@code opsledger.diffs}, not the whole
 * topic. A failed checkpoint is logged and tried again at the next interval.
 */
public final class PublishedCheckpoints implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(PublishedCheckpoints.class);

  private final LastPublished reader;
  private final Checkpoints checkpoints;
  private final Duration interval;
  private ScheduledExecutorService executor;

  /**
   * Creates the checkpointer.
   *
   * @param interval how often; zero or negative: never
   */
  public PublishedCheckpoints(LastPublished reader, Checkpoints checkpoints, Duration interval) {
    this.reader = reader;
    this.checkpoints = checkpoints;
    this.interval = interval;
  }

  /** Writes a snapshot now, unless nothing was published since the newest one. */
  public void checkpoint() {
    Rebuild.Result<LastPublished.Projection> result = reader.rebuild();
    if (result.fromSnapshot() && result.read().records() + result.read().poison() == 0) {
      return;
    }
    result.checkpoint(checkpoints);
  }

  @Override
  public synchronized void start() {
    if (interval.isZero() || interval.isNegative()) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "differ-checkpoints");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        this::checkpointQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }

  private void checkpointQuietly() {
    try {
      checkpoint();
    } catch (RuntimeException e) {
      LOG.warn("cannot write the differ's snapshot, trying again later: {}", e.toString());
    }
  }
}
