package dev.opsledger.collector.emit;

import dev.opsledger.collector.StateCollectorMetrics;
import dev.opsledger.collector.observe.Observation;
import dev.opsledger.collector.observe.ObservationLedger;
import dev.opsledger.collector.observe.Verdict;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventType;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.service.core.EventSink;
import dev.opsledger.service.core.LogContext;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides on one thread what is news and publishes it.
 *
 * <p>Edges hand observations in from any thread ({@link #report}); tasks that must see the
 * observations queued before them (e.g. "is this declared resource in the informer's cache?") run
 * on the same thread ({@link #submit}).
 */
public final class ObservationEmitter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ObservationEmitter.class);

  private final ObservationLedger ledger = new ObservationLedger();
  private final EventSink sink;
  private final String source;
  private final StateCollectorMetrics metrics;
  private final Clock clock;
  private final ExecutorService thread;

  /** Whether this replica reports; confined to the emitter thread. */
  private boolean emitting = true;

  /**
   * An emitter.
   *
   * @param sink where events go
   * @param source the {@code ce_source} of the events
   * @param metrics the collector's meters
   * @param clock the time of observations
   */
  public ObservationEmitter(
      EventSink sink, String source, StateCollectorMetrics metrics, Clock clock) {
    this.sink = sink;
    this.source = source;
    this.metrics = metrics;
    this.clock = clock;
    for (HealthStatus status : HealthStatus.values()) {
      metrics.health(status.label(), () -> ledger.healthCount(status));
    }
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "state-collector-emitter");
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues one observation. */
  public void report(Observation observation) {
    submit(() -> decide(observation));
  }

  /** Runs {@code task} on the emitter thread after everything queued before it. */
  public CompletableFuture<Void> submit(Runnable task) {
    try {
      return CompletableFuture.runAsync(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.error("an observation task failed; the collector goes on", e);
            }
          },
          thread);
    } catch (RejectedExecutionException closed) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * Starts reporting, with a clear ledger, as at start: this replica took the lease, and every
   * observation from now on is news to it. Queued behind what is already queued.
   */
  public void activate() {
    submit(
        () -> {
          ledger.clear();
          emitting = true;
        });
  }

  /**
   * Stops reporting: observations queued after this are dropped (this replica lost the lease, or
   * starts as a standby). Queued behind what is already queued.
   */
  public void standBy() {
    submit(() -> emitting = false);
  }

  /** Clears a remembered failure of {@code key}, so that a later failure is reported again. */
  public void clearFailure(ResourceKey key) {
    submit(() -> ledger.clearFailure(key));
  }

  /** Must be called on the emitter thread (inside {@link #submit}): decides and sends. */
  public void decide(Observation observation) {
    if (!emitting) {
      return;
    }
    // An observation belongs to no commit: its lines carry the resource only.
    try (LogContext context = LogContext.of(observation.key(), null)) {
      decideFor(observation);
    }
  }

  private void decideFor(Observation observation) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Verdict verdict = ledger.record(observation, now);
    String target = observation.key().target();
    if (verdict instanceof Verdict.Emit emit) {
      if (observation instanceof Observation.Failed f) {
        LOG.warn(
            "cannot observe {}: {} {}{}",
            f.key(),
            f.reason().code(),
            f.message(),
            f.httpStatus() == null ? "" : " (HTTP " + f.httpStatus() + ")");
        metrics.apiError(target, f.key().kind(), f.reason());
      }
      send(emit.event(), () -> submit(() -> ledger.forget(observation.key(), emit.fingerprint())));
    } else {
      metrics.unchanged(target);
    }
    // After the observed change of the same sighting, so a reader of the partition sees the
    // object before the health that was assessed from it.
    ledger
        .recordHealth(observation, now)
        .ifPresent(h -> send(h, () -> submit(() -> ledger.forgetHealth(h.resource(), h.health()))));
  }

  private void send(ResourceEvent data, Runnable onFailure) {
    EventEnvelope<?> event = EventEnvelope.create(source, "", data);
    String type = EventType.of(data).ceType();
    String target = data.resource().target();
    CompletableFuture<?> sent;
    try {
      sent = sink.send(event);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (ok, error) -> {
          metrics.emitted(target, type, error == null);
          if (error != null) {
            LOG.warn(
                "Kafka did not take the event for {}; it is reported again at the next"
                    + " sighting: {}",
                data.resource(),
                error.toString());
            onFailure.run();
          }
        });
  }

  /** What the ledger remembers for {@code key}; for tests, on the emitter thread. */
  public CompletableFuture<String> fingerprint(ResourceKey key) {
    CompletableFuture<String> result = new CompletableFuture<>();
    submit(() -> result.complete(ledger.fingerprint(key)));
    return result;
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
