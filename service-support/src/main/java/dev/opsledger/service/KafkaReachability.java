package dev.opsledger.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Tells the user when the service loses its Kafka cluster, and when it has it back. While the
 * broker is away the consumers and the producer only wait and retry, quietly (Kafka's own client
 * logs connection failures at a level nobody reads), and readiness turns DOWN only for whoever
 * probes it; nothing can be written to the log itself. So a watch asks the cluster for its brokers
 * every {@code interval} and logs the change: one WARN when it stops answering, a WARN a minute
 * while it stays away, one INFO when it answers again with how long it was gone. The gauge {@code
 * opsledger.kafka.reachable} (1 or 0) carries the same for alerts.
 */
public class KafkaReachability implements InitializingBean, DisposableBean {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaReachability.class);

  /** How often a cluster that stays away is reported again. */
  static final Duration REMIND_EVERY = Duration.ofMinutes(1);

  /** Answers whether the cluster is reachable, throwing the reason when it is not. */
  @FunctionalInterface
  public interface Probe {
    /** Returns normally when the cluster answered. */
    void check() throws Exception;
  }

  private final Probe probe;
  private final String cluster;
  private final Duration interval;
  private final Clock clock;
  private ScheduledExecutorService timer;
  private volatile boolean reachable = true;
  private Instant lostAt;
  private Instant remindedAt;

  /**
   * @param probe the check (the readiness indicator's)
   * @param cluster the bootstrap servers, for the messages
   * @param interval how often to check
   * @param meters where the gauge goes, or {@code null}
   * @param clock the time the outage is measured with
   */
  public KafkaReachability(
      Probe probe, String cluster, Duration interval, MeterRegistry meters, Clock clock) {
    this.probe = probe;
    this.cluster = cluster;
    this.interval = interval;
    this.clock = clock;
    if (meters != null) {
      Gauge.builder("opsledger.kafka.reachable", this, w -> w.reachable ? 1 : 0)
          .description("1 while the service's Kafka cluster answers, 0 while it does not")
          .register(meters);
    }
  }

  @Override
  public void afterPropertiesSet() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "opsledger-kafka-watch");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        this::checkNow, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether the last check reached the cluster. */
  public boolean reachable() {
    return reachable;
  }

  /** One check, and what it means for the log; the timer runs it, tests call it. */
  void checkNow() {
    Exception failure = null;
    try {
      probe.check();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      failure = e;
    }
    Instant now = clock.instant();
    if (failure == null) {
      if (!reachable) {
        LOG.info(
            "Kafka at {} answers again after {} s: consumers and producers carry on where they"
                + " stopped",
            cluster,
            Duration.between(lostAt, now).toSeconds());
      }
      reachable = true;
      lostAt = null;
      return;
    }
    if (reachable) {
      reachable = false;
      lostAt = now;
      remindedAt = now;
      LOG.warn(
          "Kafka at {} cannot be reached ({}): consumers and producers wait and retry, and"
              + " nothing is lost; readiness is DOWN until it answers",
          cluster,
          reason(failure));
    } else if (!now.isBefore(remindedAt.plus(REMIND_EVERY))) {
      remindedAt = now;
      LOG.warn(
          "Kafka at {} still cannot be reached after {} s ({})",
          cluster,
          Duration.between(lostAt, now).toSeconds(),
          reason(failure));
    }
  }

  private static String reason(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public void destroy() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
