package dev.opsledger.notifier.dispatch;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls {@link NotifierEngine#tick()} on its own thread at a fixed rate until closed. */
public final class DigestTicker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DigestTicker.class);

  private final ScheduledExecutorService timer;

  private DigestTicker(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts ticking every {@code period}. */
  public static DigestTicker start(NotifierEngine engine, Duration period) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "notifier-digest");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(10, period.toMillis());
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            engine.tick();
          } catch (RuntimeException e) {
            // A failed tick must not stop the timer: the next one asks again.
            LOG.error("notifier digest tick failed", e);
          }
        },
        ms,
        ms,
        TimeUnit.MILLISECONDS);
    return new DigestTicker(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
