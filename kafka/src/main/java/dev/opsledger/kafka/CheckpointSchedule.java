package dev.opsledger.kafka;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service's checkpoint writing on one background daemon thread: optionally once at start,
 * then every interval. A failed run is logged and tried again at the next interval; it never stops
 * the service. Start and stop are idempotent.
 */
public final class CheckpointSchedule {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSchedule.class);

  private final String service;
  private final Duration interval;
  private ScheduledExecutorService executor;

  /**
   * A schedule for one service.
   *
   * @param service names the thread ({@code <service>-checkpoints}) and the log lines
   * @param interval how often; zero or negative: never periodically
   */
  public CheckpointSchedule(String service, Duration interval) {
    this.service = service;
    this.interval = interval;
  }

  /**
   * Starts the thread.
   *
   * @param atStart run once right away, or {@code null}
   * @param periodic run every interval
   */
  public synchronized void start(Runnable atStart, Runnable periodic) {
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, service + "-checkpoints");
              t.setDaemon(true);
              return t;
            });
    if (atStart != null) {
      executor.execute(() -> quietly(atStart));
    }
    if (!interval.isZero() && !interval.isNegative()) {
      executor.scheduleWithFixedDelay(
          () -> quietly(periodic), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Whether a schedule is running periodically at all. */
  public boolean periodic() {
    return !interval.isZero() && !interval.isNegative();
  }

  /** Stops the thread; a run in progress is interrupted. */
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  /** Whether the thread runs. */
  public synchronized boolean isRunning() {
    return executor != null;
  }

  private void quietly(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.warn("cannot write the {}'s snapshot, trying again later: {}", service, e.toString());
    }
  }
}
