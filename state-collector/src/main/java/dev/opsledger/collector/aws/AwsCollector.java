package dev.opsledger.collector.aws;

import dev.opsledger.collector.StateCollectorMetrics;
import dev.opsledger.collector.desired.DesiredListener;
import dev.opsledger.collector.desired.DesiredUpdate;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Polls every AWS target on one thread, every poll interval. */
public final class AwsCollector implements DesiredListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AwsCollector.class);

  private final Map<String, AwsTargetPoller> pollers = new LinkedHashMap<>();
  private final StateCollectorMetrics metrics;
  private final ScheduledExecutorService worker;
  private final List<Gauge> gauges = new ArrayList<>();
  private volatile boolean active = true;

  /** A collector over {@code pollers}; polls start at once and repeat every {@code interval}. */
  public AwsCollector(
      List<AwsTargetPoller> pollers, StateCollectorMetrics metrics, Duration interval) {
    this.metrics = metrics;
    for (AwsTargetPoller p : pollers) {
      this.pollers.put(p.target(), p);
      for (String kind : p.kinds()) {
        gauges.add(metrics.watched(p.target(), kind, () -> p.seen(kind)));
      }
    }
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "state-collector-aws");
              t.setDaemon(true);
              return t;
            });
    if (!pollers.isEmpty()) {
      worker.scheduleWithFixedDelay(this::pollAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Polls {@code target} now (after any poll in progress). */
  public CompletableFuture<Void> pollNow(String target) {
    AwsTargetPoller poller = pollers.get(target);
    if (poller == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("no target " + target));
    }
    return CompletableFuture.runAsync(() -> pollOne(poller), worker);
  }

  @Override
  public void onDesired(DesiredUpdate update) {
    if (update instanceof DesiredUpdate.Declared d && d.key().aws()) {
      AwsTargetPoller poller = pollers.get(d.key().target());
      if (poller != null) {
        poller.checkDeclared(d.key());
      }
    }
  }

  /** Polls every target now and on the interval again: this replica took the lease. */
  public void activate() {
    active = true;
    if (!pollers.isEmpty()) {
      worker.execute(this::pollAll);
    }
  }

  /** Skips the polls until {@link #activate()}: this replica stands by. */
  public void standBy() {
    active = false;
  }

  @Override
  public void close() {
    worker.shutdownNow();
    gauges.forEach(metrics::remove);
    pollers.values().forEach(AwsTargetPoller::close);
  }

  private void pollAll() {
    if (!active) {
      return;
    }
    pollers.values().forEach(this::pollOne);
  }

  private void pollOne(AwsTargetPoller poller) {
    long started = System.nanoTime();
    try {
      poller.poll();
    } catch (RuntimeException e) {
      LOG.error("polling AWS target {} failed; the next poll tries again", poller.target(), e);
    } finally {
      metrics.resync(poller.target(), Duration.ofNanos(System.nanoTime() - started));
    }
  }
}
